package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The races of issue 13, each through the real API and a Worker's side of the contract on real sockets. */
class JobCoreRacesTest {

    @TempDir
    Path dir;

    private static List<Integer> attempts(FakeWorker worker, String id) {
        return worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(id))
                .map(r -> r.body().get("attempt").asInt())
                .toList();
    }

    /** Race 1: the callback used to commit before the hand-over and leave the job with no runner or Worker URL. */
    @Test
    void a_callback_that_arrives_before_the_workers_answer_finds_the_hand_over_in_place_and_cancel_reaches_the_worker()
            throws Exception {
        try (FakeWorker worker = new FakeWorker()) {
            TestApi[] api = new TestApi[1];
            // the Worker reports progress before it even answers the POST
            worker.beforeProcessReply(job -> api[0].signedCallback(Json.write(
                    Callback.running(job.get("jobId").asText(), 1, new Progress("acquire", 0, 1, "cloning")))));
            api[0] = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
            try (TestApi started = api[0]) {
                String id = started.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> started.status(id).equals("running"));

                assertThat(started.app.store().jobs().find(id).orElseThrow().workerUrl())
                        .isEqualTo(worker.url());
                assertThat(started.post("/api/cloudrun/jobs/" + id + "/cancel", "{}")
                                .status())
                        .isEqualTo(200);
                await().atMost(Duration.ofSeconds(5))
                        .until(() ->
                                worker.received.stream().anyMatch(r -> r.path().equals("/jobs/" + id + "/cancel")));
            }
        }
    }

    /** Race 2: a final callback that lost its version check ten times was answered 200 unapplied. */
    @Test
    void a_final_callback_answered_2xx_is_applied_however_many_callbacks_race_it() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> attempts(worker, id).size() == 1);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            List<Future<?>> progress = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                progress.add(pool.submit(() -> {
                    while (!done.get()) {
                        api.signedCallback(Json.write(Callback.running(id, 1, new Progress("build", 1, 2, "busy"))));
                    }
                }));
            }

            TestApi.Response answer = pool.submit(() -> api.signedCallback(
                            Json.write(Callback.completed(id, 1, Map.of("commit", "abc"), Instant.now(), 5))))
                    .get(30, TimeUnit.SECONDS);
            done.set(true);
            for (Future<?> f : progress) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().get("applied").asBoolean())
                    .as(answer.body())
                    .isTrue();
            assertThat(api.status(id)).isEqualTo("completed");
        }
    }

    /**
     * Race 3: a claim could expire while its sender still waited on a Worker, and the same attempt then went to a
     * second Worker. Now a request never outlives its claim, a Worker that did not answer keeps the attempt, and
     * the reconciler settles it with that Worker alone.
     */
    @Test
    void an_attempt_whose_worker_did_not_answer_is_never_sent_to_another_worker() throws Exception {
        try (FakeWorker one = new FakeWorker();
                FakeWorker two = new FakeWorker()) {
            // whichever Worker gets the job first answers its first request long after the claim ended
            for (FakeWorker worker : List.of(one, two)) {
                AtomicBoolean first = new AtomicBoolean(true);
                worker.beforeProcessReply(job -> {
                    if (first.getAndSet(false)) {
                        pause(Duration.ofSeconds(3));
                    }
                });
            }
            Map<String, String> env = new HashMap<>();
            env.put("REPO_WORKER_API_URLS", one.url() + "," + two.url());
            env.put("DISPATCH_CLAIM", "1s");
            env.put("RECONCILE_POLL", "200ms");
            try (TestApi api = TestApi.start(dir, env)) {
                String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

                await().atMost(Duration.ofSeconds(15))
                        .until(() -> api.job(id)
                                .get("events")
                                .findValuesAsText("type")
                                .contains("resent"));

                FakeWorker slow = attempts(one, id).isEmpty() ? two : one;
                FakeWorker other = slow == one ? two : one;
                assertThat(attempts(slow, id)).containsExactly(1, 1);
                assertThat(attempts(other, id)).isEmpty();
                assertThat(api.app.store().jobs().find(id).orElseThrow().workerUrl())
                        .isEqualTo(slow.url());
            }
        }
    }

    /** Race 4: a cancel during the POST /process used to leave the job running on the Worker. */
    @Test
    void a_cancel_while_the_job_is_being_sent_reaches_the_worker_it_is_sent_to() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeWorker worker = new FakeWorker().beforeProcessReply(job -> hold(release));
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> attempts(worker, id).size() == 1);

            TestApi.Response cancelled = api.post("/api/cloudrun/jobs/" + id + "/cancel", "{}");
            release.countDown();

            assertThat(cancelled.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> worker.received.stream()
                            .anyMatch(r -> r.path().equals("/jobs/" + id + "/cancel")
                                    && r.body().get("attempt").asInt() == 1));
            assertThat(api.status(id)).isEqualTo("cancelled");
        }
    }

    @Test
    void submissions_past_the_backlog_bound_get_429_with_retry_after_and_the_accepted_jobs_still_complete()
            throws Exception {
        try (FakeWorker worker = new FakeWorker()) {
            worker.replyToProcess(FakeWorker.Reply.of(503, "{\"status\":\"error\",\"message\":\"shutting down\"}"));
            try (TestApi api = TestApi.start(
                    dir,
                    Map.of(
                            "REPO_WORKER_API_URL",
                            worker.url(),
                            "MAX_PENDING_JOBS",
                            "5",
                            "DISPATCH_BACKOFF",
                            "100ms",
                            "DISPATCH_MAX_TRIES",
                            "1000"))) {
                List<String> accepted = new ArrayList<>();
                List<TestApi.Response> refused = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    TestApi.Response r = api.post(
                            "/api/cloudrun/jobs",
                            "{\"task\":\"clone-repo\",\"data\":{\"owner\":\"o\",\"repoName\":\"r" + i + "\"}}");
                    if (r.status() == 202) {
                        accepted.add(r.json().get("id").asText());
                    } else {
                        refused.add(r);
                    }
                }

                assertThat(accepted).hasSize(5);
                assertThat(refused).hasSize(7).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(429);
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                    assertThat(r.json().get("error").get("message").asText()).contains("MAX_PENDING_JOBS");
                });

                worker.replyToProcess(FakeWorker.Reply.accepted());
                int sentBefore = worker.processRequests().size();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> worker.processRequests().size() >= sentBefore + accepted.size());
                for (String id : accepted) {
                    api.signedCallback(Json.write(Callback.completed(id, 1, Map.of(), Instant.now(), 1)));
                }
                assertThat(accepted).allSatisfy(id -> assertThat(api.status(id)).isEqualTo("completed"));
                // the backlog is read again from the database: once the jobs left it, submissions are accepted again
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> api.post(
                                                "/api/cloudrun/jobs",
                                                "{\"task\":\"clone-repo\",\"data\":{\"owner\":\"o\",\"repoName\":\"again\"}}")
                                        .status()
                                == 202);
            }
        }
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
