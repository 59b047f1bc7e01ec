package dev.repoworker.worker.process;

import java.time.Duration;

/** What {@link JobExecutor#cancel} did. */
public sealed interface Cancellation permits Cancellation.Ended, Cancellation.Awaited, Cancellation.Refused {

    /** A run this Worker has: ended as cancelled by this request ({@code cancelledNow}), or ended before ({@code job.state()} says how). */
    record Ended(WorkerJob job, boolean cancelledNow) implements Cancellation {}

    /** The job has not arrived: a tombstone ends it as cancelled when it does. */
    record Awaited() implements Cancellation {}

    /** The job has not arrived and no tombstone can be kept now: try again after {@code retryAfter}. */
    record Refused(Duration retryAfter) implements Cancellation {}
}
