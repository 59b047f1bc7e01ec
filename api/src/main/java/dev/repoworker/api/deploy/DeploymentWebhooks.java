package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Database;
import dev.repoworker.api.loop.Periodic;
import dev.repoworker.protocol.Backoff;
import java.time.Clock;
import java.time.Duration;

/**
 * Deployment webhooks at work: every {@code poll}, the sweeper derives the due deliveries from the job rows and the
 * sender sends them, on a thread of their own, so a slow subscriber waits there and never in the dispatch loops.
 */
public final class DeploymentWebhooks implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final DeploymentSweeper sweeper;
    private final WebhookSender sender;
    private final Periodic loop = new Periodic("deploy-webhooks", 1, STOP_WAIT);

    public DeploymentWebhooks(
            Database database,
            Subscribers subscribers,
            SubscriberPolicy policy,
            Backoff backoff,
            Duration retryWindow,
            Clock clock) {
        this.sweeper = new DeploymentSweeper(database, subscribers, retryWindow, clock);
        this.sender = new WebhookSender(database, subscribers, policy, backoff, retryWindow, clock);
    }

    public DeploymentWebhooks start(Duration poll) {
        // one tick sweeps, then sends what the sweep made due; a failed sweep still lets the sends go
        loop.every("deployment webhooks", Duration.ZERO, poll, () -> {
            Periodic.safely("deployment webhook sweep", sweeper::sweep);
            Periodic.safely("deployment webhook send", sender::sendDue);
        });
        return this;
    }

    /** Drops the deliveries of jobs the retention deleted. */
    public void forgetDeleted() {
        sweeper.forgetDeleted();
    }

    /** Stops the loop and waits for a tick still sending, which would otherwise write to a closed database. */
    @Override
    public void close() {
        loop.close();
        sender.close();
    }
}
