package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Derives deployment webhooks from the job rows: every deploy changed within the retry window gets one row per
 * subscriber and event it has caused ({@link DeploymentEvent#caused}). Any replica may sweep; the table's unique
 * key {@code (job_id, subscriber, event)} keeps each webhook to one row, and a crash between a job's change and
 * its sweep only delays the webhook to the next sweep.
 */
public final class DeploymentSweeper {

    private static final int MAX_DEPLOYS = 1000;

    private final Database database;
    private final Deliveries deliveries;
    private final Subscribers subscribers;
    private final Duration window;
    private final Clock clock;

    public DeploymentSweeper(Database database, Subscribers subscribers, Duration window, Clock clock) {
        this.database = database;
        this.deliveries = new Deliveries(database);
        this.subscribers = subscribers;
        this.window = window;
        this.clock = clock;
    }

    /** @return how many webhooks it recorded */
    public int sweep() {
        Instant now = clock.instant();
        List<DeployJob> deploys =
                database.jdbi().withHandle(h -> DeployRows.changedSince(h, now.minus(window), MAX_DEPLOYS));
        Set<String> recorded =
                deliveries.keys(deploys.stream().map(DeployJob::jobId).toList());
        Map<String, Map<String, String>> subscribersByProject = new java.util.HashMap<>();
        int inserted = 0;
        for (DeployJob deploy : deploys) {
            List<DeploymentEvent> events = DeploymentEvent.caused(deploy);
            if (events.isEmpty()) {
                continue;
            }
            Map<String, String> hooks = subscribersByProject.computeIfAbsent(deploy.projectId(), subscribers::of);
            for (DeploymentEvent event : events) {
                for (String url : hooks.keySet()) {
                    if (!recorded.contains(Deliveries.key(deploy.jobId(), event.type, url))) {
                        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
                        Delivery delivery = new Delivery(
                                id,
                                deploy.jobId(),
                                deploy.projectId(),
                                url,
                                event.type,
                                event.payload(deploy, now),
                                Delivery.State.PENDING,
                                0,
                                null,
                                now,
                                null);
                        inserted += deliveries.insertIfAbsent(delivery, now) ? 1 : 0;
                    }
                }
            }
        }
        return inserted;
    }

    /** The webhooks of deploys whose jobs the job retention deleted go with them. */
    public int forgetDeleted() {
        return deliveries.forgetOrphans();
    }
}
