package dev.repoworker.worker.process;

import dev.repoworker.protocol.Signatures;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Standard Webhooks message ids this Worker has accepted, each remembered until a copy of its
 * message would no longer verify (its timestamp plus the tolerance), so a replayed request is refused.
 *
 * <p>In memory and bounded: when full, the id that expires soonest is forgotten first (and a warning
 * logged), so memory stays fixed whatever the load. Another Worker instance does not share this memory;
 * see docs/architecture.md "Authentication and replays" for what then stops a replay.
 */
public final class ReplayGuard {

    public static final int DEFAULT_CAPACITY = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);

    private record Expiry(Instant at, String messageId) {
    }

    private final int capacity;
    private final Clock clock;
    private final Set<String> seen = new HashSet<>();
    private final PriorityQueue<Expiry> byExpiry = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private boolean warnedFull;

    public ReplayGuard(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** True the first time a message is seen; false for a replay of one seen before (and not yet expired). */
    public synchronized boolean firstSighting(Signatures.Verified message) {
        Instant now = clock.instant();
        forgetExpired(now);
        if (seen.contains(message.messageId())) {
            return false;
        }
        if (seen.size() >= capacity) {
            Expiry soonest = byExpiry.poll();
            seen.remove(soonest.messageId());
            if (!warnedFull) {
                warnedFull = true;
                LOG.warn("replay guard full ({} message ids within the signature tolerance); forgetting the oldest early", capacity);
            }
        }
        seen.add(message.messageId());
        byExpiry.add(new Expiry(message.replayableUntil(), message.messageId()));
        return true;
    }

    synchronized int size() {
        forgetExpired(clock.instant());
        return seen.size();
    }

    private void forgetExpired(Instant now) {
        while (!byExpiry.isEmpty() && !byExpiry.peek().at().isAfter(now)) {
            seen.remove(byExpiry.poll().messageId());
        }
    }
}
