package dev.repoworker.api.dispatch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/** Exponential backoff with jitter between tries (dispatch, deployment webhooks); the far side's Retry-After wins when given. */
public record RetryPolicy(Duration base, Duration max, DoubleSupplier random) {

    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);

    public RetryPolicy(Duration base, Duration max) {
        this(base, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before try {@code tries + 1}: between half and all of {@code base · 2^(tries-1)}, capped at {@code max}. */
    public Duration backoff(int tries) {
        long ceiling = base.toMillis() << Math.min(Math.max(tries - 1, 0), 30);
        long capped = Math.min(ceiling <= 0 ? Long.MAX_VALUE : ceiling, max.toMillis());
        return Duration.ofMillis(capped / 2 + (long) (random.getAsDouble() * (capped / 2.0)));
    }

    public Duration delay(int tries, Duration retryAfter) {
        if (retryAfter == null) {
            return backoff(tries);
        }
        return retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
    }
}
