package dev.repoworker.api.deploy;

import dev.repoworker.protocol.Json;
import java.time.Instant;
import java.util.List;

/**
 * The deployment webhooks a deploy causes, and their bodies: the original's {@code {type, timestamp, data}} with
 * {@code data} built from the job row's public fields only (the job's input never holds its token, and no
 * {@code metadata} echo of the task data is sent, unlike the original).
 */
enum DeploymentEvent {
    STARTED("deployment.started"),
    COMPLETED("deployment.completed"),
    FAILED("deployment.failed");

    final String type;

    DeploymentEvent(String type) {
        this.type = type;
    }

    /** The events {@code deploy} has caused so far. */
    static List<DeploymentEvent> caused(DeployJob deploy) {
        List<DeploymentEvent> events = new java.util.ArrayList<>();
        if (deploy.started() || "completed".equals(deploy.status())) {
            events.add(STARTED);
        }
        if ("completed".equals(deploy.status())) {
            events.add(COMPLETED);
        } else if ("failed".equals(deploy.status())) {
            events.add(FAILED);
        }
        return events;
    }

    /** The body every subscriber gets: {@code {type, timestamp, data}}. */
    record Body(String type, Instant timestamp, Data data) {}

    /** What happened to the deploy; each shape starts with the deploy's public fields. */
    sealed interface Data {}

    record Started(String projectId, String jobId, String branch, String commit, String triggeredBy, Instant startedAt)
            implements Data {}

    /** {@code active} is the publish step's own value, passed on as the Worker wrote it. */
    record Completed(
            String projectId,
            String jobId,
            String branch,
            String commit,
            String triggeredBy,
            String status,
            Long duration,
            Instant completedAt,
            DeployView.Stats stats,
            Object active)
            implements Data {}

    record Failed(
            String projectId,
            String jobId,
            String branch,
            String commit,
            String triggeredBy,
            String status,
            String error,
            Instant failedAt)
            implements Data {}

    String payload(DeployJob deploy, Instant now) {
        String branch = deploy.text("branch");
        String triggeredBy = deploy.text("triggeredBy");
        Data data = switch (this) {
            case STARTED ->
                new Started(
                        deploy.projectId(),
                        deploy.jobId(),
                        branch,
                        deploy.commit(),
                        triggeredBy,
                        deploy.startedAt() != null ? deploy.startedAt() : deploy.requestedAt());
            case COMPLETED ->
                new Completed(
                        deploy.projectId(),
                        deploy.jobId(),
                        branch,
                        deploy.commit(),
                        triggeredBy,
                        "success",
                        deploy.durationMs(),
                        deploy.completedAt(),
                        DeployView.stats(deploy),
                        deploy.publish().get("active"));
            case FAILED ->
                new Failed(
                        deploy.projectId(),
                        deploy.jobId(),
                        branch,
                        deploy.commit(),
                        triggeredBy,
                        "failed",
                        deploy.error(),
                        deploy.completedAt());
        };
        return Json.write(new Body(type, now, data));
    }
}
