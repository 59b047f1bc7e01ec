package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-job callback token in each job's {@code callbackUrl}: it authenticates an unsigned callback for its own
 * job only, while the job is open, and shows up nowhere but in the URL the Worker is given.
 */
class CallbackTokenTest {

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @RegisterExtension
    static final CapturedLogs logs = new CapturedLogs();

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url(), "USE_DEV_CLOUDRUN_WORKER", "true"));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    /** A job handed to the Worker, and the token of the callbackUrl the Worker was given. */
    record Dispatched(String id, String token) {}

    static Dispatched dispatched() {
        String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        String url = worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(id))
                .reduce((first, second) -> second)
                .orElseThrow()
                .body()
                .get("callbackUrl")
                .asText();
        assertThat(url).startsWith(api.url(ApiConfig.CALLBACK_PATH) + "?token=");
        return new Dispatched(id, url.substring(url.indexOf("?token=") + "?token=".length()));
    }

    static String completed(String id) {
        return Json.write(Callback.completed(id, null, Map.of("files", 3), Instant.now(), 10));
    }

    static TestApi.Response unsigned(String path, String body) {
        return api.post(path, body);
    }

    private static Job stored(String id) {
        return api.app.store().jobs().find(id).orElseThrow();
    }

    @Test
    void an_unsigned_callback_with_its_jobs_token_completes_the_job() {
        Dispatched job = dispatched();

        TestApi.Response answer = unsigned(ApiConfig.CALLBACK_PATH + "?token=" + job.token(), completed(job.id()));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("applied").asBoolean()).isTrue();
        assertThat(api.job(job.id()).get("result").get("files").asInt()).isEqualTo(3);
        assertThat(api.status(job.id())).isEqualTo("completed");
    }

    @Test
    void the_token_may_also_be_the_last_path_segment_and_the_original_dev_path_is_served() {
        Dispatched first = dispatched();
        Dispatched second = dispatched();
        Dispatched third = dispatched();

        assertThat(unsigned(ApiConfig.CALLBACK_PATH + "/" + first.token(), completed(first.id()))
                        .status())
                .isEqualTo(200);
        assertThat(unsigned(ApiConfig.DEV_CALLBACK_PATH + "?token=" + second.token(), completed(second.id()))
                        .status())
                .isEqualTo(200);
        assertThat(unsigned(ApiConfig.DEV_CALLBACK_PATH + "/" + third.token(), completed(third.id()))
                        .status())
                .isEqualTo(200);

        assertThat(List.of(first, second, third))
                .allSatisfy(job -> assertThat(api.status(job.id())).isEqualTo("completed"));
    }

    @Test
    void a_wrong_token_another_jobs_token_or_no_credentials_at_all_are_401_and_change_nothing() {
        Dispatched job = dispatched();
        Dispatched other = dispatched();
        Job before = stored(job.id());
        String body = completed(job.id());

        TestApi.Response wrong = unsigned(
                ApiConfig.CALLBACK_PATH + "?token=" + CallbackTokens.issue().token(), body);
        TestApi.Response othersToken = unsigned(ApiConfig.CALLBACK_PATH + "?token=" + other.token(), body);
        TestApi.Response othersTokenInPath = unsigned(ApiConfig.CALLBACK_PATH + "/" + other.token(), body);
        TestApi.Response empty = unsigned(ApiConfig.CALLBACK_PATH + "?token=", body);
        TestApi.Response nothing = unsigned(ApiConfig.CALLBACK_PATH, body);
        TestApi.Response nothingAtTheDevPath = unsigned(ApiConfig.DEV_CALLBACK_PATH, body);

        assertThat(List.of(wrong, othersToken, othersTokenInPath, empty, nothing, nothingAtTheDevPath))
                .allSatisfy(r -> {
                    assertThat(r.status()).as(r.body()).isEqualTo(401);
                    assertThat(r.json().get("error").get("code").asText()).isEqualTo("unauthorized");
                });
        assertThat(wrong.json().get("error").get("field").asText()).isEqualTo("token");
        assertThat(nothing.json().get("error").get("message").asText()).contains("callback token");
        assertThat(stored(job.id())).isEqualTo(before);
    }

    @Test
    void a_token_for_an_unknown_job_is_401_not_404() {
        Dispatched job = dispatched();

        TestApi.Response answer = unsigned(
                ApiConfig.CALLBACK_PATH + "?token=" + job.token(),
                completed(java.util.UUID.randomUUID().toString()));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void once_the_job_is_final_its_token_is_acknowledged_and_changes_nothing_like_any_late_callback() {
        Dispatched job = dispatched();
        unsigned(ApiConfig.CALLBACK_PATH + "?token=" + job.token(), completed(job.id()));
        Job done = stored(job.id());

        TestApi.Response late = unsigned(
                ApiConfig.CALLBACK_PATH + "?token=" + job.token(),
                Json.write(Callback.failed(job.id(), null, "late failure", Instant.now())));

        assertThat(late.status()).isEqualTo(200);
        assertThat(late.json().get("applied").asBoolean()).isFalse();
        assertThat(late.json().get("message").asText()).isEqualTo("job is already completed");
        assertThat(stored(job.id())).isEqualTo(done);
    }

    @Test
    void a_retried_job_gets_a_new_token_and_the_old_one_is_refused() {
        Dispatched first = dispatched();
        unsigned(
                ApiConfig.CALLBACK_PATH + "?token=" + first.token(),
                Json.write(Callback.failed(first.id(), null, "boom", Instant.now())));
        assertThat(api.status(first.id())).isEqualTo("failed");

        assertThat(api.post("/api/cloudrun/jobs/" + first.id() + "/retry", "{}").status())
                .isEqualTo(202);
        Dispatched retried = new Dispatched(first.id(), awaitNewToken(first));

        assertThat(unsigned(ApiConfig.CALLBACK_PATH + "?token=" + first.token(), completed(first.id()))
                        .status())
                .isEqualTo(401);
        assertThat(unsigned(ApiConfig.CALLBACK_PATH + "?token=" + retried.token(), completed(first.id()))
                        .status())
                .isEqualTo(200);
        assertThat(api.status(first.id())).isEqualTo("completed");
    }

    private static String awaitNewToken(Dispatched before) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> worker.processRequests().stream()
                                .filter(r -> r.body().get("jobId").asText().equals(before.id()))
                                .map(r -> r.body().get("callbackUrl").asText())
                                .map(u -> u.substring(u.indexOf("?token=") + "?token=".length()))
                                .filter(t -> !t.equals(before.token()))
                                .findFirst()
                                .orElse(null),
                        t -> t != null);
    }

    @Test
    void jobs_sent_to_our_worker_in_one_array_get_the_plain_callback_url_so_their_signed_callbacks_batch() {
        // stored straight into the job store, they are due together and the next dispatch poll sends them as one array
        SecretBox box = SecretBox.loadOrCreate(api.app.config().secretsKeyFile());
        List<JobStore.NewJob> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = java.util.UUID.randomUUID().toString();
            CallbackTokens.Issued token = CallbackTokens.issue();
            jobs.add(new JobStore.NewJob(
                    Job.newPending(
                            id,
                            "acquire-user-repo",
                            "clone-repo",
                            Map.of("repoUrl", "https://github.com/o/r"),
                            3,
                            null,
                            null,
                            null,
                            Instant.now()),
                    box.seal(id, CallbackTokens.sealedWith(Map.of(), token.token())),
                    token.hash()));
        }
        List<String> ids = jobs.stream().map(j -> j.job().id()).toList();

        api.app.store().createAll(jobs);

        List<FakeWorker.Received> sent = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> worker.processRequests().stream()
                                .filter(r -> ids.contains(r.body().get("jobId").asText()))
                                .toList(),
                        r -> r.size() == ids.size());
        assertThat(sent)
                .allSatisfy(r ->
                        assertThat(r.body().get("callbackUrl").asText()).isEqualTo(api.url(ApiConfig.CALLBACK_PATH)));
    }

    @Test
    void signed_callbacks_keep_working_without_a_token() {
        Dispatched job = dispatched();

        TestApi.Response answer = api.signedCallback(completed(job.id()));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(api.status(job.id())).isEqualTo("completed");
    }

    @Test
    void the_token_never_appears_in_logs_events_job_json_the_job_list_or_metrics() {
        Dispatched job = dispatched();
        String withLogs = Json.write(Map.of(
                "jobId",
                job.id(),
                "status",
                "failed",
                "error",
                "the URL was ?token=" + job.token(),
                "logs",
                List.of(Map.of("type", "info", "message", "posting to callback?token=" + job.token()))));
        unsigned(
                ApiConfig.CALLBACK_PATH + "/" + job.token(),
                Json.write(Map.of("jobId", job.id(), "status", "running")));
        unsigned(ApiConfig.CALLBACK_PATH + "?token=" + job.token(), withLogs);
        unsigned(ApiConfig.CALLBACK_PATH + "?token=" + job.token() + "x", completed(job.id()));

        assertThat(api.status(job.id())).isEqualTo("failed");
        assertThat(api.get("/api/cloudrun/jobs/" + job.id()).body())
                .doesNotContain(job.token())
                .contains("[redacted]");
        assertThat(api.get("/api/cloudrun/jobs?limit=100").body()).doesNotContain(job.token());
        assertThat(api.get("/metrics").body()).doesNotContain(job.token());
        assertThat(api.app.store().jobs().events(job.id()))
                .allSatisfy(e -> assertThat(String.valueOf(e)).doesNotContain(job.token()));
        assertThat(logs.lines())
                .isNotEmpty()
                .noneMatch(e -> e.getFormattedMessage().contains(job.token())
                        || String.valueOf(e.getMDCPropertyMap()).contains(job.token())
                        || (e.getThrowableProxy() != null
                                && String.valueOf(e.getThrowableProxy().getMessage())
                                        .contains(job.token())));
    }
}
