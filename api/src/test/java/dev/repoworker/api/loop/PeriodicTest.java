package dev.repoworker.api.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {

    @Test
    void a_tick_that_throws_is_logged_and_the_loop_runs_again() {
        AtomicInteger ticks = new AtomicInteger();
        try (Periodic loops = new Periodic("test-loop", 1, Duration.ofSeconds(1))) {
            loops.every("failing", Duration.ZERO, Duration.ofMillis(10), () -> {
                ticks.incrementAndGet();
                throw new IllegalStateException("this tick fails");
            });

            await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 3);
        }
    }

    @Test
    void safely_keeps_a_failure_from_the_caller() {
        AtomicInteger runs = new AtomicInteger();

        Periodic.safely("callback", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("this run fails");
        });

        assertThat(runs).hasValue(1);
    }

    @Test
    void after_close_no_tick_runs_and_no_work_is_taken() {
        Periodic loops = new Periodic("test-loop", 1, Duration.ofSeconds(1));

        loops.close();

        assertThat(loops.scheduler().isTerminated()).isTrue();
        assertThatThrownBy(() -> loops.every("late", Duration.ZERO, Duration.ofMillis(10), () -> {}))
                .isInstanceOf(RejectedExecutionException.class);
    }
}
