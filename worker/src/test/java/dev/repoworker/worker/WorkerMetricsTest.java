package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.PrometheusScrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Worker's {@code /metrics}: open like /health, Prometheus text, with the job, queue, callback, step, JVM and HTTP series. */
class WorkerMetricsTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tempDir;

    private WorkerApp app;
    private CallbackReceiver receiver;

    @AfterEach
    void stop() {
        app.stop();
        receiver.close();
    }

    private static Map<String, Object> noop(String jobId, String callbackUrl, Map<String, Object> data) {
        return Map.of("jobId", jobId, "task", "noop", "callbackUrl", callbackUrl, "data", data);
    }

    @Test
    void metrics_count_jobs_callbacks_retries_and_steps() throws Exception {
        app = TestWorkers.start(TestWorkers.env(SECRET, tempDir));
        receiver = CallbackReceiver.verifying(SECRET).failFirst(4, 503);
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post("/process", noop("ok-1", receiver.url(), Map.of("durationMs", 10)))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.post("/process", noop("bad-1", receiver.url(), Map.of("fail", "on purpose")))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.post("/process", noop("ok-1", receiver.url(), Map.of("durationMs", 10)))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.received().stream()
                                .filter(r ->
                                        r.answeredWith() == 200 && !r.status().equals("running"))
                                .count()
                        == 2);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        PrometheusScrape samples = PrometheusScrape.parse(response.body());
        assertThat(samples.value("repoworker_worker_jobs_admitted_total", "task=\"noop\""))
                .isEqualTo(2);
        assertThat(samples.value("repoworker_worker_jobs_refused_total", "reason=\"duplicate\""))
                .isEqualTo(1);
        assertThat(samples.value("repoworker_worker_jobs_completed_total", "task=\"noop\""))
                .isEqualTo(1);
        assertThat(samples.value("repoworker_worker_jobs_failed_total", "task=\"noop\"", "reason=\"failed\""))
                .isEqualTo(1);
        assertThat(samples.value("repoworker_worker_job_duration_seconds_count", "task=\"noop\""))
                .isEqualTo(2);
        assertThat(samples.value("repoworker_worker_step_duration_seconds_count", "task=\"noop\"", "step=\"noop\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.series()).contains("repoworker_worker_queue_depth{service=\"worker\"}");
        assertThat(samples.series()).contains("repoworker_worker_jobs_running{service=\"worker\"}");
        assertThat(samples.value("repoworker_worker_callback_deliveries_total", "outcome=\"delivered\""))
                .isEqualTo(2);
        assertThat(samples.value("repoworker_worker_callback_retries_total")).isGreaterThanOrEqualTo(1);
        assertThat(samples.value("http_server_requests_seconds_count", "uri=\"/process\"", "status=\"202\""))
                .isEqualTo(3);
        assertThat(samples.value("jvm_memory_used_bytes")).isPositive();
        assertThat(samples.value("jvm_threads_live_threads")).isPositive();
        assertThat(samples.value("system_cpu_count")).isPositive();
        assertThat(samples.series()).allMatch(k -> k.contains("service=\"worker\""));
    }

    @Test
    void a_run_that_times_out_or_is_cancelled_is_counted_under_its_own_reason() throws Exception {
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.put("JOB_TIMEOUT", "1s");
        app = TestWorkers.start(env);
        receiver = CallbackReceiver.verifying(SECRET);
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        http.post("/process", noop("too-slow", receiver.url(), Map.of("durationMs", 60_000)));
        http.post("/process", noop("to-cancel", receiver.url(), Map.of("durationMs", 60_000)));
        http.post("/jobs/to-cancel/cancel", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.received().stream()
                                .filter(r -> !r.status().equals("running"))
                                .count()
                        == 2);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        PrometheusScrape samples = PrometheusScrape.parse(response.body());
        assertThat(samples.value("repoworker_worker_jobs_failed_total", "task=\"noop\"", "reason=\"timeout\""))
                .isEqualTo(1);
        assertThat(samples.value("repoworker_worker_jobs_failed_total", "task=\"noop\"", "reason=\"cancelled\""))
                .isEqualTo(1);
    }
}
