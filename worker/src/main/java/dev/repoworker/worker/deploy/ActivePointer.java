package dev.repoworker.worker.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Comparator;

/**
 * {@code projects/{projectId}/active.json}: the deploy a project serves. Deploys are ordered by when they were
 * requested, then by job id, so two deploys requested in the same instant still have one winner everywhere.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"jobId", "requestedAt", "location"})
public record ActivePointer(String jobId, String requestedAt, String location) {

    private static final Comparator<ActivePointer> ORDER =
            Comparator.comparing(ActivePointer::requested).thenComparing(ActivePointer::jobId);

    public ActivePointer {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("jobId is missing");
        }
        Instant.parse(java.util.Objects.requireNonNull(requestedAt, "requestedAt is missing"));
    }

    static ActivePointer of(String projectId, String jobId, Instant requestedAt) {
        return new ActivePointer(jobId, requestedAt.toString(), Deployments.location(projectId, jobId));
    }

    Instant requested() {
        return Instant.parse(requestedAt);
    }

    /** True when this deploy may replace {@code current}: it is the same one, or it comes later. */
    boolean mayReplace(ActivePointer current) {
        return ORDER.compare(this, current) >= 0;
    }
}
