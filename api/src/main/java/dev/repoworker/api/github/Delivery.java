package dev.repoworker.api.github;

import java.time.Instant;
import java.util.List;

/**
 * One verified GitHub webhook delivery and what came of it.
 *
 * @param repository the repository's {@code full_name}, or null (a ping names none)
 * @param ref        the pushed ref, or null
 * @param jobIds     the deploy jobs it made (empty unless {@code outcome} is {@link Outcome#DEPLOYED})
 */
public record Delivery(
        String id,
        String event,
        String repository,
        String ref,
        Outcome outcome,
        List<String> jobIds,
        Instant receivedAt) {

    public Delivery {
        jobIds = List.copyOf(jobIds);
    }

    /** What came of a delivery, as stored and answered. */
    public enum Outcome {
        DEPLOYED("deployed"),
        IGNORED("ignored"),
        UNKNOWN_REPOSITORY("unknown_repository"),
        PONG("pong");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Outcome fromWire(String name) {
            for (Outcome outcome : values()) {
                if (outcome.wireName.equals(name)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("unknown delivery outcome " + name);
        }
    }
}
