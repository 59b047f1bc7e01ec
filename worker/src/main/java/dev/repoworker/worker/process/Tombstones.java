package dev.repoworker.worker.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Cancels that reached this Worker before their job: the API records the hand-over before it posts
 * {@code /process}, so a cancel can overtake the job it cancels. A tombstone covers a job's attempts up to
 * a number (or all of them), and a run it covers ends as cancelled the moment it arrives.
 *
 * <p>Bounded like the kept runs: each lasts {@code RESULT_RETENTION}, at most {@code RESULT_RETENTION_MAX}
 * are held, and one goes once the attempt it names has arrived (that run's own record answers from then
 * on). A tombstone still waiting for its job is never dropped early: when they are full, a new one is
 * refused.
 */
final class Tombstones {

    private static final int EVERY_ATTEMPT = Integer.MAX_VALUE;

    private record Tombstone(int upToAttempt, Instant expiresAt) {}

    private final int max;
    private final Duration lifetime;
    // insertion order is expiry order: every tombstone lives the same lifetime from when it was (re)placed
    private final Map<String, Tombstone> byJob = new LinkedHashMap<>();

    Tombstones(int max, Duration lifetime) {
        this.max = max;
        this.lifetime = lifetime;
    }

    /** Covers the attempts of {@code jobId} up to {@code upTo} (every attempt when empty); false when full. */
    synchronized boolean add(String jobId, OptionalInt upTo, Instant now) {
        forgetExpired(now);
        int attempt = upTo.orElse(EVERY_ATTEMPT);
        Tombstone existing = byJob.remove(jobId);
        if (existing == null && byJob.size() >= max) {
            return false;
        }
        byJob.put(
                jobId,
                new Tombstone(
                        existing == null ? attempt : Math.max(attempt, existing.upToAttempt()), now.plus(lifetime)));
        return true;
    }

    /** True when a cancel came before this run; the tombstone goes once the attempt it names has arrived. */
    synchronized boolean claim(String jobId, int attempt, Instant now) {
        forgetExpired(now);
        Tombstone tombstone = byJob.get(jobId);
        if (tombstone == null) {
            return false;
        }
        if (attempt >= tombstone.upToAttempt()) {
            byJob.remove(jobId);
        }
        return attempt <= tombstone.upToAttempt();
    }

    /** How long until the oldest tombstone expires (at least a second): when a refused cancel may try again. */
    synchronized Duration untilOldestExpires(Instant now) {
        Iterator<Tombstone> oldest = byJob.values().iterator();
        if (!oldest.hasNext()) {
            return Duration.ofSeconds(1);
        }
        long seconds = (Duration.between(now, oldest.next().expiresAt()).toMillis() + 999) / 1000;
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    synchronized void forgetExpired(Instant now) {
        Iterator<Tombstone> oldestFirst = byJob.values().iterator();
        while (oldestFirst.hasNext() && !oldestFirst.next().expiresAt().isAfter(now)) {
            oldestFirst.remove();
        }
    }
}
