package dev.repoworker.worker.process;

/** What {@link JobExecutor#admit} decided about a request. */
public enum Admission {
    /** Queued to run. */
    ACCEPTED,
    /** Seen before (same job id and attempt): not run again. */
    DUPLICATE,
    /** The queue is full: try again later. */
    QUEUE_FULL,
    /** The Worker is shutting down and admits nothing. */
    SHUTTING_DOWN
}
