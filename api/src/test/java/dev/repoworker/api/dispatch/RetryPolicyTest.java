package dev.repoworker.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoff_doubles_with_jitter_between_half_and_all_and_is_capped() {
        RetryPolicy low = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.0);
        RetryPolicy high = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 1.0);

        assertThat(low.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(high.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(high.backoff(40)).isEqualTo(Duration.ofSeconds(10));
        assertThat(low.delay(2, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(low.delay(2, Duration.ofHours(7))).isEqualTo(Duration.ofMinutes(10));
    }
}
