package dev.repoworker.worker.process;

/** What {@link JobExecutor#admit} decided about a request. */
public enum Admission {
    /** Queued to run. */
    ACCEPTED,
    /** Seen before (same job id and attempt): not run again. */
    DUPLICATE,
    /** A cancel came first: accepted, and ended at once as cancelled, never run. */
    CANCELLED,
    /** The queue is full: try again later. */
    QUEUE_FULL,
    /** As many runs are kept as {@code RESULT_RETENTION_MAX} allows and none may be dropped yet: try again later. */
    RETENTION_FULL,
    /** The Worker is shutting down and admits nothing. */
    SHUTTING_DOWN
}
