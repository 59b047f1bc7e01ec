package dev.repoworker.api;

import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/cloudrun/jobs/{id}/events} as Server-Sent Events. Sends {@code job} (the job's
 * summary, again whenever it changes), one {@code event} per stored job event (id = its position in
 * the log, so {@code Last-Event-ID} resumes), and {@code end} once the job is in a final state, then
 * closes. New events are found by polling the database, which is right with several API replicas:
 * the replica that serves the stream need not be the one that stored the event.
 */
final class JobEventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobEventStream.class);
    private static final long HEARTBEAT_TICKS = 60;

    /** The last message of a stream: the job's final status, or {@code deleted}. */
    record End(String status) {}

    private final Jobs jobs;
    private final ScheduledExecutorService scheduler;
    private final Duration pollEvery;
    private final Set<Follower> open = ConcurrentHashMap.newKeySet();

    JobEventStream(Jobs jobs, ScheduledExecutorService scheduler, Duration pollEvery) {
        this.jobs = jobs;
        this.scheduler = scheduler;
        this.pollEvery = pollEvery;
    }

    void handle(Context ctx, String jobId) {
        jobs.find(jobId).orElseThrow(() -> new UnknownJobException(jobId));
        int resumeAfter = lastEventId(ctx.header("Last-Event-ID"));
        ctx.status(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType("text/event-stream");
        ctx.res().addHeader("Cache-Control", "no-cache");
        ctx.res().addHeader("X-Accel-Buffering", "no");
        SseClient client = new SseClient(ctx);
        client.keepAlive();
        Follower follower = new Follower(client, jobId, resumeAfter);
        open.add(follower);
        client.onClose(follower::stop);
        follower.task =
                scheduler.scheduleWithFixedDelay(follower::tick, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int lastEventId(String header) {
        try {
            return header == null ? -1 : Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        open.forEach(f -> f.client.close());
        open.clear();
    }

    private final class Follower {
        private final SseClient client;
        private final String jobId;
        private final Set<String> sent = new HashSet<>();
        private int nextId;
        private int skipThrough;
        private int lastVersion = -1;
        private long ticks;
        private volatile ScheduledFuture<?> task;

        Follower(SseClient client, String jobId, int resumeAfter) {
            this.client = client;
            this.jobId = jobId;
            this.skipThrough = resumeAfter;
        }

        synchronized void tick() {
            try {
                if (client.terminated()) {
                    stop();
                    return;
                }
                // the job first, then its events: a final status is stored with its last event in one transaction
                Job job = jobs.find(jobId).orElse(null);
                List<JobEvent> events = jobs.events(jobId);
                for (JobEvent event : events) {
                    if (sent.add(key(event))) {
                        int id = nextId++;
                        if (id > skipThrough) {
                            client.sendEvent("event", Json.write(JobView.Event.of(event)), Integer.toString(id));
                        }
                    }
                }
                if (job == null) {
                    client.sendEvent("end", Json.write(new End("deleted")));
                    client.close();
                    return;
                }
                if (job.version() != lastVersion) {
                    lastVersion = job.version();
                    client.sendEvent("job", Json.write(JobView.of(job)));
                }
                if (job.status().isFinal()) {
                    client.sendEvent("end", Json.write(new End(job.status().wireName())));
                    client.close();
                    return;
                }
                if (++ticks % HEARTBEAT_TICKS == 0) {
                    client.sendComment("keep-alive");
                }
            } catch (RuntimeException e) {
                LOG.warn("event stream of job {} stopped: {}", jobId, e.toString());
                client.close();
            }
        }

        void stop() {
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
            open.remove(this);
        }

        /** Events have no id of their own in the API; their content tells them apart. */
        private static String key(JobEvent e) {
            return e.at().toEpochMilli() + "|" + e.type() + "|" + e.attempt() + "|" + e.message() + "|" + e.data();
        }
    }
}
