package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Database;
import dev.repoworker.protocol.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployment webhooks at work: every {@code poll}, the sweeper derives the due deliveries from the job rows and the
 * sender sends them, on a thread of their own, so a slow subscriber waits there and never in the dispatch loops.
 */
public final class DeploymentWebhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentWebhooks.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final DeploymentSweeper sweeper;
    private final WebhookSender sender;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deploy-webhooks");
        t.setDaemon(true);
        return t;
    });

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
        loop.scheduleWithFixedDelay(
                () -> {
                    safely("deployment webhook sweep", sweeper::sweep);
                    safely("deployment webhooks", sender::sendDue);
                },
                0,
                poll.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Drops the deliveries of jobs the retention deleted. */
    public void forgetDeleted() {
        sweeper.forgetDeleted();
    }

    /** Stops the loop and waits for a tick still sending, which would otherwise write to a closed database. */
    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        sender.close();
    }

    private static void safely(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed; trying again at the next tick", what, e);
        }
    }
}
