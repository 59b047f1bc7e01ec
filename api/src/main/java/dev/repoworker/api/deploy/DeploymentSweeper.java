package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Derives deployment webhooks from the job rows: every deploy changed within the retry window gets one row per
 * subscriber and event it has caused ({@link DeploymentEvent#caused}). Any replica may sweep; the table's unique
 * key {@code (job_id, subscriber, event)} keeps each webhook to one row, and a crash between a job's change and
 * its sweep only delays the webhook to the next sweep of any replica.
 *
 * <p>A process's first sweep reads the whole window; later ones read only the deploys changed since the previous
 * sweep began, less {@link #MARGIN}, and every {@link #FULL_SWEEP_EVERY} the whole window again. Why the margin
 * misses no change: a change is stamped ({@code jobs.updated_at}, or a starting event's {@code at}) with the clock
 * of the replica that writes it, read before its transaction commits. A change the previous sweep did not see
 * committed after that sweep began, so its stamp is at least that sweep's start less how far the writer's clock is
 * behind ours and less how long the writer took from reading its clock to committing. The margin covers both; a
 * writer slower than that (a stalled commit, a clock far off) is caught by the next full sweep: late, never lost.
 * A replica that dies takes only its watermark with it: what it committed is read by the others' next sweeps, and
 * a restarted process begins with the whole window.
 */
public final class DeploymentSweeper {

    private static final int MAX_DEPLOYS = 1000;
    static final Duration MARGIN = Duration.ofSeconds(30);
    static final Duration FULL_SWEEP_EVERY = Duration.ofMinutes(5);

    private final Database database;
    private final Deliveries deliveries;
    private final Subscribers subscribers;
    private final Duration window;
    private final Clock clock;
    // where the next sweep reads from (null: the whole window), and when the whole window was last read;
    // only the sweeping thread touches them
    private Instant readFrom;
    private Instant lastFullSweep;

    public DeploymentSweeper(Database database, Subscribers subscribers, Duration window, Clock clock) {
        this.database = database;
        this.deliveries = new Deliveries(database);
        this.subscribers = subscribers;
        this.window = window;
        this.clock = clock;
    }

    /** What one sweep did: how many deploys it read and how many webhooks it recorded. */
    public record Sweep(int deploysRead, int recorded) {}

    public Sweep sweep() {
        Instant now = clock.instant();
        Instant windowStart = now.minus(window);
        boolean full = readFrom == null || !now.isBefore(lastFullSweep.plus(FULL_SWEEP_EVERY));
        Instant since = full || readFrom.isBefore(windowStart) ? windowStart : readFrom;
        List<DeployJob> deploys =
                database.jdbi().withHandle(h -> DeployRows.changedSince(h, windowStart, since, MAX_DEPLOYS));
        int recorded = record(deploys, now);
        if (full) {
            lastFullSweep = now;
        }
        // a full page may have left changes unread: the next sweep reads from where this one did
        if (deploys.size() < MAX_DEPLOYS) {
            readFrom = now.minus(MARGIN);
        }
        return new Sweep(deploys.size(), recorded);
    }

    private int record(List<DeployJob> deploys, Instant now) {
        Set<String> recorded =
                deliveries.keys(deploys.stream().map(DeployJob::jobId).toList());
        Map<String, List<String>> subscribersByProject = new HashMap<>();
        int inserted = 0;
        for (DeployJob deploy : deploys) {
            List<DeploymentEvent> events = DeploymentEvent.caused(deploy);
            if (events.isEmpty()) {
                continue;
            }
            List<String> urls = subscribersByProject.computeIfAbsent(deploy.projectId(), subscribers::urls);
            for (DeploymentEvent event : events) {
                for (String url : urls) {
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
