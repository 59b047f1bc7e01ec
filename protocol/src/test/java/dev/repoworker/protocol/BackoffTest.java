package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration CAP = Duration.ofMinutes(10);

    @Test
    void each_retry_doubles_the_step_waits_between_half_and_all_of_it_and_stops_at_the_maximum() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 1.0);

        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(high.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(high.delay(40)).isEqualTo(Duration.ofSeconds(10));
        assertThat(low.delay(40)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_servers_retry_after_wins_up_to_the_cap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.0);

        assertThat(backoff.delay(1, Duration.ofSeconds(7), CAP)).isEqualTo(Duration.ofSeconds(7));
        assertThat(backoff.delay(1, Duration.ofHours(7), CAP)).isEqualTo(CAP);
        assertThat(backoff.delay(1, null, CAP)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void a_backoff_that_cannot_wait_is_refused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retry_after_is_read_as_seconds_or_as_an_http_date_and_never_negative() {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

        assertThat(RetryAfter.parse("120", now)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse(" 0 ", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("-5", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("Sat, 05 Dec 2026 12:01:30 GMT", now)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Sat, 05 Dec 2026 11:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
    }
}
