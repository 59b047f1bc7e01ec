package dev.repoworker.api.deploy;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
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

    /** What happened to the deploy: the deploy's public fields first, then the event's own. */
    sealed interface Data {}

    /** The fields every event's data starts with. */
    record Deploy(String projectId, String jobId, String branch, String commit, String triggeredBy) {

        static Deploy of(DeployJob deploy) {
            return new Deploy(
                    deploy.projectId(),
                    deploy.jobId(),
                    deploy.text("branch"),
                    deploy.commit(),
                    deploy.text("triggeredBy"));
        }
    }

    record Started(@JsonUnwrapped Deploy deploy, Instant startedAt) implements Data {}

    /** {@code active} is the publish step's own value, passed on as the Worker wrote it. */
    record Completed(
            @JsonUnwrapped Deploy deploy,
            String status,
            Long duration,
            Instant completedAt,
            DeployView.Stats stats,
            Object active)
            implements Data {}

    record Failed(@JsonUnwrapped Deploy deploy, String status, String error, Instant failedAt) implements Data {}

    String payload(DeployJob deploy, Instant now) {
        Deploy about = Deploy.of(deploy);
        Data data = switch (this) {
            case STARTED -> new Started(about, deploy.startedAt() != null ? deploy.startedAt() : deploy.requestedAt());
            case COMPLETED ->
                new Completed(
                        about,
                        "success",
                        deploy.durationMs(),
                        deploy.completedAt(),
                        DeployView.stats(deploy),
                        deploy.publish().get("active"));
            case FAILED -> new Failed(about, "failed", deploy.error(), deploy.completedAt());
        };
        return Json.write(new Body(type, now, data));
    }
}
