package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Worker's {@code /metrics}: open like /health, Prometheus text, with the job, queue, callback, step, JVM and HTTP series. */
class WorkerMetricsTest {

    private static final String SECRET = Signatures.newSecret();
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (\\S+)$");

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

    private static Map<String, Double> scrape(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static double value(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") || e.getKey().equals(name))
                .filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void metrics_count_jobs_callbacks_retries_and_steps() throws Exception {
        app = TestWorkers.start(TestWorkers.env(SECRET, tempDir));
        receiver = CallbackReceiver.verifying(SECRET).failFirst(4, 503);
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post("/process", noop("ok-1", receiver.url(), Map.of("durationMs", 10))).statusCode()).isEqualTo(202);
        assertThat(http.post("/process", noop("bad-1", receiver.url(), Map.of("fail", "on purpose"))).statusCode()).isEqualTo(202);
        assertThat(http.post("/process", noop("ok-1", receiver.url(), Map.of("durationMs", 10))).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().stream()
                .filter(r -> r.answeredWith() == 200 && !r.status().equals("running")).count() == 2);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = scrape(response.body());
        assertThat(value(samples, "repoworker_worker_jobs_admitted_total", "task=\"noop\"")).isEqualTo(2);
        assertThat(value(samples, "repoworker_worker_jobs_refused_total", "reason=\"duplicate\"")).isEqualTo(1);
        assertThat(value(samples, "repoworker_worker_jobs_completed_total", "task=\"noop\"")).isEqualTo(1);
        assertThat(value(samples, "repoworker_worker_jobs_failed_total", "task=\"noop\"", "reason=\"failed\"")).isEqualTo(1);
        assertThat(value(samples, "repoworker_worker_job_duration_seconds_count", "task=\"noop\"")).isEqualTo(2);
        assertThat(value(samples, "repoworker_worker_step_duration_seconds_count", "task=\"noop\"", "step=\"noop\"")).isGreaterThanOrEqualTo(1);
        assertThat(samples).containsKey("repoworker_worker_queue_depth{service=\"worker\"}");
        assertThat(samples).containsKey("repoworker_worker_jobs_running{service=\"worker\"}");
        assertThat(value(samples, "repoworker_worker_callback_deliveries_total", "outcome=\"delivered\"")).isEqualTo(2);
        assertThat(value(samples, "repoworker_worker_callback_retries_total")).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "http_server_requests_seconds_count", "uri=\"/process\"", "status=\"202\"")).isEqualTo(3);
        assertThat(value(samples, "jvm_memory_used_bytes")).isPositive();
        assertThat(value(samples, "jvm_threads_live_threads")).isPositive();
        assertThat(value(samples, "system_cpu_count")).isPositive();
        assertThat(samples.keySet()).allMatch(k -> k.contains("service=\"worker\""));
    }
}
