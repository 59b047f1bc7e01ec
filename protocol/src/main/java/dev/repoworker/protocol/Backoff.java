package dev.repoworker.protocol;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter", the one every client of this system waits by: retry {@code n} (0 for
 * the first) waits between half and all of {@code first · 2^n}, capped at {@code max}. Half fixed keeps a floor
 * under hammering; half random spreads many clients that failed together.
 */
public record Backoff(Duration first, Duration max, DoubleSupplier random) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
        }
    }

    public Backoff(Duration first, Duration max) {
        this(first, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before retry {@code retry} (0 for the first retry). */
    public Duration delay(int retry) {
        long step = first.toMillis() << Math.min(Math.max(retry, 0), 30);
        long capped = Math.min(step <= 0 ? Long.MAX_VALUE : step, max.toMillis());
        return Duration.ofMillis(capped / 2 + (long) (random.getAsDouble() * (capped / 2.0)));
    }

    /** {@link #delay}, unless the server named its own wait ({@code Retry-After}), which wins up to {@code cap}. */
    public Duration delay(int retry, Duration retryAfter, Duration cap) {
        if (retryAfter == null) {
            return delay(retry);
        }
        return retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
    }
}
