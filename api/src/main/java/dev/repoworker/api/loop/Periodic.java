package dev.repoworker.api.loop;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named background loops on one scheduled pool of daemon threads. A tick that throws is logged under its name and the
 * loop runs again on its next tick: one failure never ends a loop. Closed once, by whoever made it, which stops the
 * loops and waits a while for a tick still running (it would otherwise write to a database closed next).
 */
public final class Periodic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    private final ScheduledExecutorService scheduler;
    private final Duration stopWait;

    /** {@code threads} threads named {@code threadName}; {@link #close} waits up to {@code stopWait} for a tick. */
    public Periodic(String threadName, int threads, Duration stopWait) {
        this.scheduler = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.stopWait = stopWait;
    }

    /** Runs {@code work} first after {@code first}, then {@code every} after the end of each run. */
    public void every(String name, Duration first, Duration every, Runnable work) {
        scheduler.scheduleWithFixedDelay(
                () -> safely(name, work), first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The pool itself, for work that schedules its own one-off runs on these threads (a wake-up, a simulated job, a
     * stream of events); closing this {@code Periodic} stops that work too.
     */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Runs {@code work}, logging a failure under {@code name} instead of throwing it. */
    public static void safely(String name, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("{} loop failed; it runs again on its next tick", name, e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
