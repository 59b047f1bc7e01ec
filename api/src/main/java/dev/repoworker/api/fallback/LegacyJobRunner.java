package dev.repoworker.api.fallback;

import dev.repoworker.api.job.Runner;

/** Runs a job without a Worker; the outcome arrives as a callback like a Worker's would. */
public interface LegacyJobRunner extends AutoCloseable {

    Runner kind();

    /**
     * Starts the job.
     *
     * @return false when every slot is busy (try again later)
     * @throws LegacyRunException when the job cannot be started at all
     */
    boolean start(LegacyJob job);

    /** How many more jobs {@link #start} would take now. */
    default int freeSlots() {
        return Integer.MAX_VALUE;
    }

    /** True while this runner still works on the job. */
    boolean isRunning(String jobId);

    /** Stops the job if it is running here. */
    void cancel(String jobId);

    @Override
    void close();

    /** The runner could not start a job; the message says why and holds no secret. */
    final class LegacyRunException extends RuntimeException {
        public LegacyRunException(String message) {
            super(message);
        }
    }
}
