package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatchTest {

    @TempDir
    Path dir;

    static List<String> fakeJobCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FakeJobProcess.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    TestApi start(Map<String, String> extra, List<String> legacyCommand) {
        return TestApi.start(ApiConfig.fromEnv(TestApi.env(dir, extra), legacyCommand));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static List<String> eventTypes(JsonNode job) {
        return job.get("events").findValuesAsText("type");
    }

    @Test
    void an_accepted_dispatch_is_signed_and_carries_job_task_callback_and_attempt() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(Map.of("REPO_WORKER_API_URL", worker.url()), List.of())) {
            String id = api.submit(
                    "import-repo", "{\"sourceUrl\":\"https://git.example.test/a/b\",\"gitToken\":\"s3cr3t-token\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));

            JsonNode sent = worker.processRequests().get(0).body();
            assertThat(sent.get("jobId").asText()).isEqualTo(id);
            assertThat(sent.get("task").asText()).isEqualTo("process-with-repo");
            assertThat(sent.get("attempt").asInt()).isEqualTo(1);
            assertThat(sent.get("callbackUrl").asText())
                    .matches("http://127\\.0\\.0\\.1:" + api.app.port()
                            + "/api/cloudrun/callback\\?token=[A-Za-z0-9_-]{43}");
            assertThat(sent.get("data").get("repoUrl").asText()).isEqualTo("https://git.example.test/a/b");
            assertThat(sent.get("data").get("gitToken").asText()).isEqualTo("s3cr3t-token");
            assertThat(worker.unsigned).isEmpty();
            assertThat(api.job(id).get("runner").asText()).isEqualTo("worker");
        }
    }

    @Test
    void a_5xx_is_retried_with_backoff_without_using_up_attempts() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(Map.of("REPO_WORKER_API_URL", worker.url()), List.of())) {
            worker.replyToProcess(
                    FakeWorker.Reply.of(500, "{}"), FakeWorker.Reply.of(503, "{}"), FakeWorker.Reply.accepted());
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> worker.processRequests().size() == 3
                            && api.status(id).equals("dispatched"));

            JsonNode job = api.job(id);
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            assertThat(eventTypes(job)).containsSubsequence("dispatch-failed", "dispatch-failed", "dispatched");
        }
    }

    @Test
    void a_429_waits_for_retry_after() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(Map.of("REPO_WORKER_API_URL", worker.url()), List.of())) {
            worker.replyToProcess(
                    new FakeWorker.Reply(429, "{\"status\":\"busy\"}", Map.of("Retry-After", "1")),
                    FakeWorker.Reply.accepted());
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> worker.processRequests().size() == 2
                            && api.status(id).equals("dispatched"));

            List<FakeWorker.Received> tries = worker.processRequests();
            assertThat(Duration.ofNanos(tries.get(1).atNanos() - tries.get(0).atNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void a_4xx_fails_the_job_with_the_workers_message() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(Map.of("REPO_WORKER_API_URL", worker.url()), List.of())) {
            worker.replyToProcess(FakeWorker.Reply.of(
                    400, "{\"status\":\"error\",\"message\":\"data.repoUrl host is not allowed\"}"));
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("failed"));

            assertThat(api.job(id).get("error").asText()).contains("400").contains("data.repoUrl host is not allowed");
            assertThat(worker.processRequests()).hasSize(1);
        }
    }

    @Test
    void a_worker_url_list_is_used_round_robin_and_a_dead_worker_hands_the_try_to_the_next() throws Exception {
        int dead = freePort();
        try (FakeWorker one = new FakeWorker();
                FakeWorker two = new FakeWorker();
                TestApi api = start(
                        Map.of("REPO_WORKER_API_URLS", one.url() + "," + two.url() + ",http://127.0.0.1:" + dead),
                        List.of())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r" + i + "\"}"));
            }

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ids.stream().allMatch(id -> api.status(id).equals("dispatched")));
            // the claim writes "dispatched" before the request: a try the dead Worker passed on may still be on its way
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(one.processRequests().size()
                                    + two.processRequests().size())
                            .isEqualTo(6));
            assertThat(one.processRequests()).isNotEmpty();
            assertThat(two.processRequests()).isNotEmpty();
            for (String id : ids) {
                assertThat(eventTypes(api.job(id))).doesNotContain("dispatch-failed");
                assertThat(api.job(id).get("attempt").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void an_unreachable_worker_falls_back_to_a_real_child_process_and_later_jobs_go_to_the_worker_again()
            throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("REPO_WORKER_API_URL", "http://127.0.0.1:" + port, "DISPATCH_MAX_TRIES", "3");
        try (TestApi api = start(env, fakeJobCommand())) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"s3cr3t-token\"}");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("completed"));

            JsonNode job = api.job(id);
            assertThat(job.get("result").get("ranBy").asText()).isEqualTo("fake-job-process");
            assertThat(job.get("result").get("task").asText()).isEqualTo("acquire-user-repo");
            assertThat(job.get("result").get("gitAccessProvided").asBoolean()).isTrue();
            // the child's Worker code may call this API back on 127.0.0.1: its callback host is listed exactly
            assertThat(job.get("result").get("allowedCallbackHosts").asText()).isEqualTo("127.0.0.1");
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            assertThat(job.get("runner").asText()).isEqualTo("fallback");
            assertThat(eventTypes(job))
                    .containsSubsequence("dispatch-failed", "dispatch-failed", "fallback", "callback");
            assertThat(job.toString()).doesNotContain("s3cr3t-token");

            try (FakeWorker back = new FakeWorker(port)) {
                String later = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r2\"}");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> api.status(later).equals("dispatched"));
                assertThat(back.processRequests())
                        .extracting(r -> r.body().get("jobId").asText())
                        .containsExactly(later);
            }
        }
    }

    @Test
    void with_no_worker_url_every_job_runs_on_the_fallback_runner() {
        try (TestApi api = start(Map.of(), fakeJobCommand())) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("completed"));

            assertThat(api.job(id).get("events").findValuesAsText("message"))
                    .anySatisfy(m -> assertThat(m).contains("no worker URL is configured"));
        }
    }

    @Test
    void a_fallback_process_that_exits_without_a_result_fails_the_job() {
        try (TestApi api = start(Map.of(), fakeJobCommand("exit=7"))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("failed"));

            assertThat(api.job(id).get("error").asText()).contains("exited with code 7");
        }
    }

    @Test
    void without_worker_or_fallback_a_job_fails_with_a_clear_error() {
        try (TestApi api = start(Map.of(), List.of())) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("failed"));

            assertThat(api.job(id).get("error").asText())
                    .contains("no worker URL")
                    .contains("LEGACY_JOB_COMMAND");
        }
    }

    @Test
    void in_development_a_job_whose_worker_is_not_reachable_is_simulated() throws Exception {
        Map<String, String> env = Map.of(
                "NODE_ENV",
                "development",
                "SIMULATION_DELAY",
                "300ms",
                "REPO_WORKER_API_URL",
                "http://127.0.0.1:" + freePort());
        try (TestApi api = start(env, fakeJobCommand())) {
            String id = api.submit(
                    "import-repo", "{\"sourceUrl\":\"https://git.example.test/a/b\",\"gitToken\":\"s3cr3t-token\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("completed"));

            JsonNode job = api.job(id);
            assertThat(job.get("runner").asText()).isEqualTo("simulated");
            assertThat(job.get("result").get("simulated").asBoolean()).isTrue();
            assertThat(job.get("result").get("imported").asBoolean()).isTrue();
            assertThat(job.get("result").has("ranBy"))
                    .as("the legacy runner never ran")
                    .isFalse();
            assertThat(eventTypes(job)).containsSubsequence("dispatched", "simulated", "progress", "callback");
            assertThat(job.get("events").findValuesAsText("message"))
                    .anySatisfy(m -> assertThat(m).contains("not reachable").contains("simulated"))
                    .anySatisfy(m -> assertThat(m).contains("simulated compute-embeddings"));
            assertThat(job.toString()).doesNotContain("s3cr3t-token");
        }
    }

    @Test
    void in_production_a_job_whose_worker_is_not_reachable_runs_on_the_legacy_runner() throws Exception {
        Map<String, String> env = Map.of(
                "NODE_ENV",
                "production",
                "DISPATCH_MAX_TRIES",
                "2",
                "REPO_WORKER_API_URL",
                "http://127.0.0.1:" + freePort());
        try (TestApi api = start(env, fakeJobCommand())) {
            String id = api.submit("import-repo", "{\"sourceUrl\":\"https://git.example.test/a/b\"}");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("completed"));

            JsonNode job = api.job(id);
            assertThat(job.get("runner").asText()).isEqualTo("fallback");
            assertThat(job.get("result").get("ranBy").asText()).isEqualTo("fake-job-process");
            assertThat(job.get("result").has("simulated")).isFalse();
            assertThat(eventTypes(job))
                    .containsSubsequence("dispatch-failed", "fallback", "callback")
                    .doesNotContain("simulated");
        }
    }

    @Test
    void in_development_with_simulation_turned_off_an_unreachable_worker_means_the_legacy_runner() throws Exception {
        Map<String, String> env = Map.of(
                "NODE_ENV",
                "development",
                "SIMULATE_JOBS",
                "false",
                "DISPATCH_MAX_TRIES",
                "1",
                "REPO_WORKER_API_URL",
                "http://127.0.0.1:" + freePort());
        try (TestApi api = start(env, fakeJobCommand())) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.status(id).equals("completed"));

            assertThat(api.job(id).get("runner").asText()).isEqualTo("fallback");
        }
    }

    @Test
    void in_development_a_busy_worker_is_waited_for_not_simulated() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api =
                        start(Map.of("NODE_ENV", "development", "REPO_WORKER_API_URL", worker.url()), List.of())) {
            worker.replyToProcess(FakeWorker.Reply.of(429, "{\"status\":\"busy\"}"), FakeWorker.Reply.accepted());
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> worker.processRequests().size() == 2
                            && api.status(id).equals("dispatched"));

            JsonNode job = api.job(id);
            assertThat(job.get("runner").asText()).isEqualTo("worker");
            assertThat(eventTypes(job)).contains("dispatch-failed").doesNotContain("simulated");
        }
    }

    @Test
    void simulation_walks_running_then_completed_in_development_only() {
        Map<String, String> env =
                new HashMap<>(Map.of("NODE_ENV", "development", "SIMULATE_JOBS", "true", "SIMULATION_DELAY", "300ms"));
        try (TestApi api = start(env, List.of())) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("completed"));

            JsonNode job = api.job(id);
            assertThat(job.get("result").get("simulated").asBoolean()).isTrue();
            assertThat(job.get("runner").asText()).isEqualTo("simulated");
            assertThat(eventTypes(job)).containsSubsequence("simulated", "progress", "callback");
        }
    }
}
