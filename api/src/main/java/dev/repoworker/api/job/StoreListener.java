package dev.repoworker.api.job;

/** Told of what the store committed: for logs and metrics, after the commit, never inside a transaction. */
public interface StoreListener {

    StoreListener NONE = new StoreListener() {};

    default void created(Job job) {}

    default void eventStored(String jobId, JobEvent event) {}

    default void finished(String jobId, String task, int attempt, JobStatus status) {}
}
