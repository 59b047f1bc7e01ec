package dev.repoworker.worker.process;

import java.time.Duration;
import java.time.Instant;

/** Times the steps of one run from its progress reports: a step lasts until the next one starts or the run ends. */
final class StepClock {

    private final WorkerMetrics metrics;
    private final String task;
    private String step;
    private Instant stepStarted;

    StepClock(WorkerMetrics metrics, String task) {
        this.metrics = metrics;
        this.task = task;
    }

    synchronized void at(String newStep, Instant now) {
        if (newStep == null || newStep.equals(step)) {
            return;
        }
        end(now);
        step = newStep;
        stepStarted = now;
    }

    synchronized void end(Instant now) {
        if (step != null) {
            metrics.step(task, step, Duration.between(stepStarted, now));
            step = null;
        }
    }
}
