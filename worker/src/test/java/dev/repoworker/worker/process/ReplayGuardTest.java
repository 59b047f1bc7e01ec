package dev.repoworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);

    private static Signatures.Verified message(String id, Duration validFor) {
        return new Signatures.Verified(id, T0.plus(validFor));
    }

    @Test
    void a_message_id_is_accepted_once() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        assertThat(guard.sight(message("msg_a", Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.First.class);
        assertThat(guard.sight(message("msg_a", Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.Replay.class);
        assertThat(guard.sight(message("msg_b", Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.First.class);
    }

    @Test
    void an_id_is_forgotten_once_a_copy_of_its_message_would_no_longer_verify() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        guard.sight(message("msg_short", Duration.ofMinutes(1)));
        guard.sight(message("msg_long", Duration.ofMinutes(10)));

        clock.set(T0.plus(Duration.ofMinutes(1)));
        assertThat(guard.size()).isEqualTo(1);
        assertThat(guard.sight(message("msg_long", Duration.ofMinutes(10)))).isInstanceOf(ReplayGuard.Replay.class);

        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(guard.size()).isZero();
    }

    @Test
    void when_full_of_unexpired_ids_a_new_one_is_refused_until_the_oldest_expires_and_none_is_forgotten() {
        ReplayGuard guard = new ReplayGuard(3, clock);
        guard.sight(message("msg_3", Duration.ofMinutes(3)));
        guard.sight(message("msg_1", Duration.ofMinutes(1)));
        guard.sight(message("msg_2", Duration.ofMinutes(2)));

        assertThat(guard.sight(message("msg_4", Duration.ofMinutes(4))))
                .isEqualTo(new ReplayGuard.Full(Duration.ofMinutes(1)));
        assertThat(guard.size()).isEqualTo(3);
        for (String id : new String[] {"msg_1", "msg_2", "msg_3"}) {
            assertThat(guard.sight(message(id, Duration.ofMinutes(3)))).as(id).isInstanceOf(ReplayGuard.Replay.class);
        }

        clock.set(T0.plus(Duration.ofSeconds(59)).plusMillis(800));
        assertThat(guard.sight(message("msg_4", Duration.ofMinutes(4))))
                .isEqualTo(new ReplayGuard.Full(Duration.ofSeconds(1)));

        clock.set(T0.plus(Duration.ofMinutes(1)));
        assertThat(guard.sight(message("msg_4", Duration.ofMinutes(4)))).isInstanceOf(ReplayGuard.First.class);
        assertThat(guard.sight(message("msg_4", Duration.ofMinutes(4)))).isInstanceOf(ReplayGuard.Replay.class);
    }

    @Test
    void a_million_ids_are_held_and_each_is_recognised() {
        int count = 1_000_000;
        ReplayGuard guard = new ReplayGuard(count, clock);
        for (int i = 0; i < count; i++) {
            assertThat(guard.sight(message("msg_" + i, Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.First.class);
        }
        assertThat(guard.sight(message("msg_one_more", Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.Full.class);
        for (int i = 0; i < count; i += 997) {
            assertThat(guard.sight(message("msg_" + i, Duration.ofMinutes(5)))).isInstanceOf(ReplayGuard.Replay.class);
        }
        clock.set(T0.plus(Duration.ofMinutes(5)));
        assertThat(guard.size()).isZero();
    }
}
