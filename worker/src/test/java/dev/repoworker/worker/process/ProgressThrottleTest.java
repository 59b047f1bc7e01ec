package dev.repoworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Progress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");

    @Test
    void within_a_step_at_most_one_a_second_but_each_new_step_goes_out_at_once() {
        ProgressThrottle throttle = new ProgressThrottle(true);

        assertThat(throttle.report(progress("acquire", 0), false, T0)).isPresent();
        assertThat(throttle.report(progress("acquire", 1), false, T0.plusMillis(100)))
                .isEmpty();
        assertThat(throttle.report(progress("render", 0), false, T0.plusMillis(200)))
                .isPresent();
        assertThat(throttle.report(progress("render", 5), false, T0.plusMillis(300)))
                .isEmpty();
        assertThat(throttle.report(progress("render", 9), false, T0.plusMillis(1300)))
                .isPresent();
        assertThat(throttle.report(progress("write", 0), false, T0.plusMillis(1350)))
                .isPresent();
    }

    @Test
    void nothing_during_the_quiet_start_then_the_latest_progress_held() {
        ProgressThrottle throttle = new ProgressThrottle(false);

        assertThat(throttle.report(progress("acquire", 0), false, T0)).isEmpty();
        assertThat(throttle.report(progress("render", 3), false, T0.plusMillis(100)))
                .isEmpty();

        assertThat(throttle.open(T0.plusMillis(250))).contains(progress("render", 3));
        assertThat(throttle.report(progress("render", 4), false, T0.plusMillis(300)))
                .isEmpty();
    }

    private static Progress progress(String step, long done) {
        return new Progress(step, done, 10, step + " " + done);
    }
}
