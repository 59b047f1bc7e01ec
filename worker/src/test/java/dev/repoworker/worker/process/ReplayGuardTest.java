package dev.repoworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Signatures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();

    private static Signatures.Verified message(String id, Duration validFor) {
        return new Signatures.Verified(id, T0.plus(validFor));
    }

    @Test
    void a_message_id_is_accepted_once() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        assertThat(guard.firstSighting(message("msg_a", Duration.ofMinutes(5)))).isTrue();
        assertThat(guard.firstSighting(message("msg_a", Duration.ofMinutes(5)))).isFalse();
        assertThat(guard.firstSighting(message("msg_b", Duration.ofMinutes(5)))).isTrue();
    }

    @Test
    void an_id_is_forgotten_once_a_copy_of_its_message_would_no_longer_verify() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        guard.firstSighting(message("msg_short", Duration.ofMinutes(1)));
        guard.firstSighting(message("msg_long", Duration.ofMinutes(10)));

        clock.now = T0.plus(Duration.ofMinutes(1));
        assertThat(guard.size()).isEqualTo(1);
        assertThat(guard.firstSighting(message("msg_long", Duration.ofMinutes(10)))).isFalse();

        clock.now = T0.plus(Duration.ofMinutes(10));
        assertThat(guard.size()).isZero();
    }

    @Test
    void memory_stays_bounded_forgetting_the_soonest_to_expire_first() {
        ReplayGuard guard = new ReplayGuard(3, clock);
        guard.firstSighting(message("msg_3", Duration.ofMinutes(3)));
        guard.firstSighting(message("msg_1", Duration.ofMinutes(1)));
        guard.firstSighting(message("msg_2", Duration.ofMinutes(2)));

        assertThat(guard.firstSighting(message("msg_4", Duration.ofMinutes(4)))).isTrue();

        assertThat(guard.size()).isEqualTo(3);
        assertThat(guard.firstSighting(message("msg_3", Duration.ofMinutes(3)))).isFalse();
        assertThat(guard.firstSighting(message("msg_2", Duration.ofMinutes(2)))).isFalse();
        assertThat(guard.firstSighting(message("msg_1", Duration.ofMinutes(1)))).isTrue();
    }
}
