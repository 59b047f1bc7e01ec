package dev.repoworker.api.deploy;

import java.time.Instant;

/**
 * One deployment webhook to one subscriber: {@code id} is its Standard Webhooks message id, the same on every
 * attempt, so a subscriber that got it twice (a lease that ran out mid-send) can tell.
 */
record Delivery(
        String id,
        String jobId,
        String projectId,
        String subscriber,
        String event,
        String payload,
        State state,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant deliveredAt) {

    enum State {
        PENDING,
        DELIVERED,
        FAILED;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
