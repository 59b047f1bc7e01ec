package dev.repoworker.api;

import dev.repoworker.api.callback.CallbackHandler;
import dev.repoworker.api.fallback.LegacyJob;
import dev.repoworker.api.fallback.LocalProcessRunner;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.protocol.Callback;
import java.time.Clock;

/**
 * When a one-shot job process ends: the event log says so, and a process that ended without
 * reporting a result fails its attempt (a result it did report is final, so this changes nothing).
 */
final class FallbackExitListener implements LocalProcessRunner.ExitListener {

    private final Jobs jobs;
    private final CallbackHandler callbacks;
    private final Clock clock;

    FallbackExitListener(Jobs jobs, CallbackHandler callbacks, Clock clock) {
        this.jobs = jobs;
        this.callbacks = callbacks;
        this.clock = clock;
    }

    @Override
    public void exited(LegacyJob job, int exitCode, String outputTail) {
        jobs.appendEvent(
                job.jobId(),
                JobEvent.of(
                        clock.instant(),
                        JobEvent.FALLBACK,
                        job.attempt(),
                        "the legacy job process exited with code " + exitCode));
        String lastLine = outputTail.isBlank() ? "" : ": " + outputTail.substring(outputTail.lastIndexOf('\n') + 1);
        String error = exitCode == 0
                ? "the legacy job process exited without reporting a result"
                : "the legacy job process exited with code " + exitCode + lastLine;
        callbacks.apply(Callback.failed(job.jobId(), job.attempt(), error, clock.instant()));
    }
}
