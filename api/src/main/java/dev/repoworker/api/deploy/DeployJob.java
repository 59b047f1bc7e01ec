package dev.repoworker.api.deploy;

import java.time.Instant;
import java.util.Map;

/**
 * A {@code deploy-repo} job as a deploy: the job row's columns a deploy is read from. {@code startedAt} is the first
 * sign a runner took the job (a Worker accepted it, the fallback or the simulation started it, or its progress).
 */
record DeployJob(
        String jobId,
        String projectId,
        String status,
        Map<String, Object> input,
        Map<String, Object> result,
        String error,
        Long durationMs,
        Instant requestedAt,
        Instant startedAt,
        Instant completedAt) {

    /** {@code result.steps.publish}, the Worker's summary of what it published; empty before it completed. */
    @SuppressWarnings("unchecked")
    Map<String, Object> publish() {
        if (result == null || !(result.get("steps") instanceof Map<?, ?> steps)) {
            return Map.of();
        }
        return steps.get("publish") instanceof Map<?, ?> publish ? (Map<String, Object>) publish : Map.of();
    }

    /** The commit the Worker built ({@code result.steps.acquire.commit}), else the one asked for ({@code latest} by default). */
    String commit() {
        if (result != null
                && result.get("steps") instanceof Map<?, ?> steps
                && steps.get("acquire") instanceof Map<?, ?> acquire
                && acquire.get("commit") instanceof String built) {
            return built;
        }
        return text("commit");
    }

    boolean started() {
        return startedAt != null || "running".equals(status);
    }

    String text(String field) {
        return input.get(field) instanceof String text ? text : null;
    }
}
