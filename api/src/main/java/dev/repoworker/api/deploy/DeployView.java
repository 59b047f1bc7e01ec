package dev.repoworker.api.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A deploy as the API answers it, read from its job row and its webhook deliveries. */
public record DeployView(
        String jobId,
        String projectId,
        String status,
        String commit,
        String branch,
        String triggeredBy,
        Instant requestedAt,
        Instant startedAt,
        Instant completedAt,
        Long duration,
        Stats stats,
        boolean active,
        String error,
        List<Webhook> webhooks) {

    /** What the deploy published ({@code result.steps.publish.stats}) and how long its job ran. */
    public record Stats(Long pages, Long files, Long bytes, Long buildTimeMs) {}

    /** One deployment webhook to one subscriber, and how its delivery goes. */
    public record Webhook(
            String url, String event, String state, int attempts, String lastError, Instant deliveredAt) {}

    static DeployView of(DeployJob deploy, String activeJobId, List<Delivery> deliveries) {
        List<Webhook> webhooks = deliveries.stream()
                .map(d -> new Webhook(
                        d.subscriber(), d.event(), d.state().wireName(), d.attempts(), d.lastError(), d.deliveredAt()))
                .toList();
        return new DeployView(
                deploy.jobId(),
                deploy.projectId(),
                deploy.status(),
                deploy.commit(),
                deploy.text("branch"),
                deploy.text("triggeredBy"),
                deploy.requestedAt(),
                deploy.startedAt(),
                deploy.completedAt(),
                deploy.durationMs(),
                stats(deploy),
                deploy.jobId().equals(activeJobId),
                deploy.error(),
                webhooks);
    }

    static Stats stats(DeployJob deploy) {
        Map<?, ?> stats = deploy.publish().get("stats") instanceof Map<?, ?> map ? map : Map.of();
        return new Stats(
                number(stats.get("pages")),
                number(stats.get("files")),
                number(stats.get("bytes")),
                deploy.durationMs());
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
