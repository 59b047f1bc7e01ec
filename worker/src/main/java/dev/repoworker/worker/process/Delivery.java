package dev.repoworker.worker.process;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Delivery state of one job's final callback, visible through {@code GET /jobs/{jobId}}. */
public final class Delivery {

    private final CompletableFuture<Boolean> done = new CompletableFuture<>();
    private int attempts;
    private Integer lastStatus;
    private String lastError;
    private Instant lastAttemptAt;
    private Instant nextAttemptAt;
    private String outcome = "pending";

    synchronized void attempted(Instant at, Integer status, String error) {
        attempts++;
        lastAttemptAt = at;
        lastStatus = status;
        lastError = error;
    }

    synchronized void retryAt(Instant at) {
        nextAttemptAt = at;
    }

    void delivered() {
        finish("delivered", true);
    }

    void gaveUp(String why) {
        synchronized (this) {
            lastError = why;
        }
        finish("gave-up", false);
    }

    private void finish(String result, boolean success) {
        synchronized (this) {
            outcome = result;
            nextAttemptAt = null;
        }
        done.complete(success);
    }

    /** Completes with true once delivered, false once given up. */
    public CompletableFuture<Boolean> done() {
        return done;
    }

    /** {@code delivery} in {@code GET /jobs/{jobId}}; absent values are left out. */
    public record View(
            String state,
            int attempts,
            Integer lastStatus,
            String lastError,
            Instant lastAttemptAt,
            Instant nextAttemptAt) {}

    public synchronized View view() {
        return new View(outcome, attempts, lastStatus, lastError, lastAttemptAt, nextAttemptAt);
    }
}
