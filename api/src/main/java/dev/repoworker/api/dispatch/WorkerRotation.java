package dev.repoworker.api.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which Worker gets the next batch: the configured Workers round-robin, one per batch, skipping a Worker that has
 * just said it is busy until the wait it asked for (or {@link #BUSY_WAIT}) has passed.
 */
final class WorkerRotation {

    private static final Duration BUSY_WAIT = Duration.ofMillis(200);

    private final List<String> urls;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, Instant> busyUntil = new ConcurrentHashMap<>();

    WorkerRotation(List<String> urls) {
        this.urls = List.copyOf(urls);
    }

    /** No Worker is configured: every job goes to the fallback runner. */
    boolean isEmpty() {
        return urls.isEmpty();
    }

    int size() {
        return urls.size();
    }

    /** The next Worker round-robin that has not just said it is busy; null when all have. */
    String nextFree(Instant now) {
        int first = Math.floorMod(next.getAndIncrement(), urls.size());
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get((first + i) % urls.size());
            Instant until = busyUntil.get(url);
            if (until == null || !until.isAfter(now)) {
                return url;
            }
        }
        return null;
    }

    /** The Worker after {@code url} in the list, which gets the same try when {@code url} did not take it. */
    String after(String url) {
        return urls.get((urls.indexOf(url) + 1) % urls.size());
    }

    /** {@code url} answered busy at {@code now}: skipped for {@code retryAfter}, or a short wait when it gave none. */
    void busy(String url, Instant now, Duration retryAfter) {
        busyUntil.put(url, now.plus(retryAfter == null ? BUSY_WAIT : retryAfter));
    }
}
