package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client threads submitting {@code noop} jobs (a mix of short durations) to one API as fast as it answers, until
 * stopped or the API dies, and a reader that lists the project's final jobs over and over and keeps the first
 * final outcome the API showed for each.
 */
final class SubmissionBurst {

    private static final int[] DURATIONS_MS = {0, 0, 5, 20, 50, 100, 200, 400};
    private static final long READ_EVERY_MS = 100;

    /** A final outcome as a client can see it: the job's status, attempt and result. */
    record Outcome(String status, int attempt, JsonNode result) {

        /** From the API's view of a job. */
        static Outcome ofJob(JsonNode job) {
            return new Outcome(job.path("status").asText(), job.path("attempt").asInt(), orNull(job.get("result")));
        }

        /** From the final callback a Worker sent. */
        static Outcome ofCallback(JsonNode callback) {
            return new Outcome(
                    callback.path("status").asText(),
                    callback.path("attempt").asInt(1),
                    orNull(callback.get("result")));
        }

        private static JsonNode orNull(JsonNode node) {
            return node == null ? NullNode.getInstance() : node;
        }

        @Override
        public String toString() {
            return status + " (attempt " + attempt + ") " + result;
        }
    }

    private final EmbeddedNode node;
    private final String project;
    private final int threads;
    private final long seed;
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final Map<String, Outcome> seenFinal = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> running = new ArrayList<>();

    SubmissionBurst(EmbeddedNode node, String project, int threads, long seed) {
        this.node = node;
        this.project = project;
        this.threads = threads;
        this.seed = seed;
    }

    void start() {
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed + t);
            running.add(new Thread(() -> submit(random), project + "-submitter-" + t));
        }
        running.add(new Thread(this::read, project + "-reader"));
        running.forEach(Thread::start);
    }

    /** Stops submitting and reading (a thread that saw the API die has stopped already). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread thread : running) {
            thread.join(30_000);
        }
    }

    /** Ids the API answered 202 for. */
    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** The first final outcome the API showed for each job, while it ran. */
    Map<String, Outcome> seenFinal() {
        return Map.copyOf(seenFinal);
    }

    /** Submissions answered with something else than 202. */
    int refused() {
        return refused.get();
    }

    /** Submissions that got no answer: in flight when the API died. */
    int unanswered() {
        return unanswered.get();
    }

    private void submit(Random random) {
        while (!stop.get()) {
            String body = Json.write(Map.of(
                    "task",
                    "noop",
                    "projectId",
                    project,
                    "data",
                    Map.of("durationMs", DURATIONS_MS[random.nextInt(DURATIONS_MS.length)])));
            HttpResponse<String> response;
            try {
                response = node.post(node.apiUrl() + "/api/cloudrun/jobs", body);
            } catch (IOException e) {
                unanswered.incrementAndGet();
                return; // the API is gone
            } catch (InterruptedException e) {
                return;
            }
            if (response.statusCode() == 202) {
                acknowledged.add(id(response.body()));
            } else {
                refused.incrementAndGet();
            }
        }
    }

    private void read() {
        while (!stop.get() && node.storeAlive()) {
            try {
                for (String status : List.of("completed", "failed")) {
                    node.jobs(project, status).forEach((id, job) -> seenFinal.putIfAbsent(id, Outcome.ofJob(job)));
                }
                Thread.sleep(READ_EVERY_MS); // a reader's pace, not a wait for the jobs
            } catch (IOException e) {
                // dying, or a slow answer: the loop looks again
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String id(String body) {
        try {
            return Json.mapper().readTree(body).path("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException("202 without a job: " + body, e);
        }
    }
}
