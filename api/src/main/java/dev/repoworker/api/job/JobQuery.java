package dev.repoworker.api.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * A page request over jobs, newest first. {@code after} is the decoded cursor: the position of the
 * last job of the previous page.
 */
public record JobQuery(JobStatus status, String type, String projectId, int limit, Position after) {

    public JobFilter filter() {
        return new JobFilter(status, type, projectId);
    }

    /** Where a page ended: jobs are ordered by (createdAt, id) descending. */
    public record Position(Instant createdAt, String id) {

        public String encode() {
            String raw = createdAt.toEpochMilli() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** Empty when the text is not a cursor this API made. */
        public static Optional<Position> decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = raw.indexOf(':');
                if (colon < 1 || colon == raw.length() - 1) {
                    return Optional.empty();
                }
                long millis = Long.parseLong(raw.substring(0, colon));
                return Optional.of(new Position(Instant.ofEpochMilli(millis), raw.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
