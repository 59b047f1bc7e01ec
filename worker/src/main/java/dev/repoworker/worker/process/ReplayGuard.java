package dev.repoworker.worker.process;

import dev.repoworker.protocol.Signatures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Standard Webhooks message ids this Worker has accepted, each remembered until a copy of its
 * message would no longer verify (its timestamp plus the tolerance), so a replayed request is refused.
 *
 * <p>In memory and bounded by {@code REPLAY_GUARD_MAX_IDS}. An unexpired id is never forgotten: when the
 * guard is full of them, a new message is refused ({@link Full}) until the oldest expires. Each id is kept
 * as a 64-bit digest (about 32 bytes with its expiry): two ids sharing a digest would make the second look
 * like a replay, which at a million ids held is a chance of about 1 in 10^13 per request.
 * Another Worker instance does not share this memory; see docs/architecture.md "Authentication and replays".
 */
public final class ReplayGuard {

    public static final int DEFAULT_CAPACITY = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

    /** What the guard made of a verified message. */
    public sealed interface Sighting permits First, Replay, Full {}

    /** Not seen before: now remembered. */
    public record First() implements Sighting {}

    /** Seen before and not yet expired. */
    public record Replay() implements Sighting {}

    /** Not seen before, but the guard is full of unexpired ids: refused, try again after {@code retryAfter}. */
    public record Full(Duration retryAfter) implements Sighting {}

    private final int capacity;
    private final Clock clock;
    private final LongHashSet seen = new LongHashSet();
    private final ExpiryHeap byExpiry = new ExpiryHeap();
    private Instant lastWarning;

    public ReplayGuard(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    public Sighting sight(Signatures.Verified message) {
        long digest = digest(message.messageId());
        long expiresAt = ceilMillis(message.replayableUntil());
        synchronized (this) {
            Instant now = clock.instant();
            forgetExpired(now.toEpochMilli());
            if (seen.contains(digest)) {
                return new Replay();
            }
            if (seen.size() >= capacity) {
                warnFull(now);
                long wait = byExpiry.soonestExpiry() - now.toEpochMilli();
                return new Full(Duration.ofSeconds(Math.max(1, (wait + 999) / 1000)));
            }
            seen.add(digest);
            byExpiry.add(expiresAt, digest);
            return new First();
        }
    }

    synchronized int size() {
        forgetExpired(clock.millis());
        return seen.size();
    }

    private void forgetExpired(long nowMillis) {
        while (byExpiry.size() > 0 && byExpiry.soonestExpiry() <= nowMillis) {
            seen.remove(byExpiry.poll());
        }
    }

    private void warnFull(Instant now) {
        if (lastWarning == null || !now.isBefore(lastWarning.plus(WARNING_INTERVAL))) {
            lastWarning = now;
            LOG.warn(
                    "replay guard full: {} webhook-ids still within the signature tolerance; refusing signed requests "
                            + "with 429 until the oldest expires (raise REPLAY_GUARD_MAX_IDS?)",
                    capacity);
        }
    }

    private static long ceilMillis(Instant at) {
        return at.toEpochMilli() + (at.getNano() % 1_000_000 == 0 ? 0 : 1);
    }

    private static long digest(String messageId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
