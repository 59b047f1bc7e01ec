package dev.repoworker.api.deploy;

import dev.repoworker.protocol.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    String payload(DeployJob deploy, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("projectId", deploy.projectId());
        data.put("jobId", deploy.jobId());
        data.put("branch", deploy.text("branch"));
        data.put("commit", deploy.commit());
        data.put("triggeredBy", deploy.text("triggeredBy"));
        switch (this) {
            case STARTED ->
                data.put("startedAt", deploy.startedAt() != null ? deploy.startedAt() : deploy.requestedAt());
            case COMPLETED -> {
                data.put("status", "success");
                data.put("duration", deploy.durationMs());
                data.put("completedAt", deploy.completedAt());
                data.put("stats", DeployView.stats(deploy));
                data.put("active", deploy.publish().get("active"));
            }
            case FAILED -> {
                data.put("status", "failed");
                data.put("error", deploy.error());
                data.put("failedAt", deploy.completedAt());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", now);
        body.put("data", data);
        return Json.write(body);
    }
}
