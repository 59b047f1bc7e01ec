package dev.repoworker.worker.task;

import dev.repoworker.protocol.Progress;
import java.nio.file.Path;

/** What a running task may use besides its request: its job id, private workspace and progress channel. */
public record TaskContext(String jobId, Path workspace, ProgressListener progressListener) {

    public void progress(String step, long done, long total, String message) {
        progressListener.report(new Progress(step, done, total, message));
    }

    /** Progress that is always sent (not throttled): a pipeline's step boundaries. */
    public void milestone(String step, long done, long total, String message) {
        progressListener.milestone(new Progress(step, done, total, message));
    }

    /** Throws when the job was cancelled or timed out (the worker interrupts the job's thread). */
    public void checkCancelled() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("job " + jobId + " was cancelled");
        }
    }
}
