package dev.repoworker.worker.process;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs this Worker keeps, by (jobId, attempt) and the newest of each job: while they wait and run,
 * and after they end for {@code RESULT_RETENTION}, so the API can read a result whose callback was lost.
 *
 * <p>Bounded by count too ({@code RESULT_RETENTION_MAX}). Beyond it, runs whose final callback was
 * delivered are dropped, oldest delivery first: the API has them. A run still waiting, running or
 * delivering (or whose delivery gave up) is what {@code GET /jobs/{jobId}} exists for and is never dropped
 * early; when nothing can be dropped, a new run is refused instead.
 */
final class RetainedRuns {

    /** What {@link #add} did. */
    enum Added {
        ADDED,
        DUPLICATE,
        FULL
    }

    private final int max;
    private final Map<String, WorkerJob> byKey = new ConcurrentHashMap<>();
    private final Map<String, WorkerJob> latest = new ConcurrentHashMap<>();
    private final Queue<WorkerJob> delivered = new ArrayDeque<>();

    RetainedRuns(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
    }

    synchronized Added add(WorkerJob job) {
        if (byKey.containsKey(key(job))) {
            return Added.DUPLICATE;
        }
        if (byKey.size() >= max && !dropOldestDelivered()) {
            return Added.FULL;
        }
        byKey.put(key(job), job);
        job.delivery().done().thenAccept(success -> {
            if (success) {
                wasDelivered(job);
            }
        });
        return Added.ADDED;
    }

    /** Makes {@code job} what {@link #latest} answers for its job id, unless a higher attempt is there. */
    void publish(WorkerJob job) {
        latest.merge(job.jobId(), job, (old, now) -> now.attempt() >= old.attempt() ? now : old);
    }

    /** Forgets a run that was added but never admitted. */
    synchronized void withdraw(WorkerJob job) {
        byKey.remove(key(job), job);
    }

    Optional<WorkerJob> latest(String jobId) {
        return Optional.ofNullable(latest.get(jobId));
    }

    Optional<WorkerJob> get(String jobId, int attempt) {
        return Optional.ofNullable(byKey.get(key(jobId, attempt)));
    }

    Collection<WorkerJob> all() {
        return byKey.values();
    }

    int size() {
        return byKey.size();
    }

    /** Forgets finished runs that ended before {@code cutoff} and whose delivery is over, however it ended. */
    synchronized void forgetFinishedBefore(Instant cutoff) {
        byKey.values().removeIf(job -> {
            boolean expired = job.state().isFinal()
                    && job.delivery().done().isDone()
                    && job.finishedAt() != null
                    && job.finishedAt().isBefore(cutoff);
            if (expired) {
                latest.remove(job.jobId(), job);
            }
            return expired;
        });
        delivered.removeIf(job -> byKey.get(key(job)) != job);
    }

    private synchronized void wasDelivered(WorkerJob job) {
        if (byKey.get(key(job)) == job) {
            delivered.add(job);
        }
    }

    private boolean dropOldestDelivered() {
        WorkerJob oldest;
        while ((oldest = delivered.poll()) != null) {
            if (byKey.remove(key(oldest), oldest)) {
                latest.remove(oldest.jobId(), oldest);
                return true;
            }
        }
        return false;
    }

    private static String key(WorkerJob job) {
        return key(job.jobId(), job.attempt());
    }

    private static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }
}
