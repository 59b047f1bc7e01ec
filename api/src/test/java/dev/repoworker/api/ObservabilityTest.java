package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.testkit.PrometheusScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The API's {@code /metrics} in Prometheus text format, and its log lines with jobId and attempt. */
class ObservabilityTest {

    private static final String TOKEN = "ghp_logSecret0123456789abcdef";

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("dev.repoworker.api.events")).setLevel(ch.qos.logback.classic.Level.DEBUG);
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private String completedJob() {
        String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"" + TOKEN + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        api.signedCallback(Json.write(Callback.running(id, 1, new Progress("acquire", 1, 2, "cloning"))));
        api.signedCallback(Json.write(Callback.completed(id, 1, Map.of("files", 2), Instant.now(), 10)));
        return id;
    }

    private String failedJob() {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/missing\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        api.signedCallback(Json.write(Callback.failed(id, 1, "repository not found", Instant.now())));
        return id;
    }

    @Test
    void metrics_are_prometheus_text_with_job_dispatch_callback_jvm_and_http_series() {
        completedJob();
        failedJob();

        TestApi.Response response = api.get("/metrics");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain");
        PrometheusScrape samples = PrometheusScrape.parse(response.body());
        assertThat(samples.value("repoworker_api_jobs_submitted_total", "task=\"acquire-user-repo\""))
                .isGreaterThanOrEqualTo(2);
        assertThat(samples.value("repoworker_api_jobs_completed_total", "task=\"acquire-user-repo\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value("repoworker_api_jobs_failed_total", "task=\"acquire-user-repo\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value("repoworker_api_jobs_in_state", "state=\"completed\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value("repoworker_api_jobs_in_state", "state=\"failed\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.series())
                .anyMatch(k -> k.startsWith("repoworker_api_jobs_in_state{") && k.contains("state=\"pending\""));
        assertThat(samples.value("repoworker_api_dispatch_attempts_total", "outcome=\"accepted\""))
                .isGreaterThanOrEqualTo(2);
        assertThat(samples.value("repoworker_api_dispatch_latency_seconds_count", "outcome=\"accepted\""))
                .isGreaterThanOrEqualTo(2);
        assertThat(samples.value("repoworker_api_callbacks_received_total", "status=\"completed\"", "applied=\"true\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value("repoworker_api_callbacks_received_total", "status=\"running\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value(
                        "http_server_requests_seconds_count", "uri=\"/api/cloudrun/jobs/{id}\"", "status=\"200\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.value("http_server_requests_seconds_count", "uri=\"/api/cloudrun/callback\""))
                .isGreaterThanOrEqualTo(3);
        assertThat(samples.series())
                .noneMatch(k ->
                        k.startsWith("http_server_requests") && k.matches(".*uri=\"/api/cloudrun/jobs/[0-9a-f]{8}-.*"));
        assertThat(samples.value("jvm_memory_used_bytes")).isPositive();
        assertThat(samples.value("jvm_threads_live_threads")).isPositive();
        assertThat(samples.value("system_cpu_count")).isPositive();
        assertThat(samples.series()).anyMatch(k -> k.startsWith("jvm_gc_"));
        assertThat(samples.series()).allMatch(k -> k.contains("service=\"api\""));
    }

    @Test
    void every_job_event_is_one_debug_line_and_its_outcome_one_info_line_with_job_id_and_attempt_and_no_secret() {
        String id = completedJob();

        List<ILoggingEvent> jobLines = logs.list.stream()
                .filter(e -> id.equals(e.getMDCPropertyMap().get("jobId")))
                .toList();
        List<String> eventLines = jobLines.stream()
                .filter(e -> e.getLoggerName().equals("dev.repoworker.api.events"))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();

        assertThat(eventLines)
                .anyMatch(l -> l.startsWith("job event created:"))
                .anyMatch(l -> l.startsWith("job event dispatched:"))
                .anyMatch(l -> l.startsWith("job event progress:"))
                .anyMatch(l -> l.startsWith("job event callback: completed"));
        assertThat(jobLines)
                .filteredOn(e -> e.getLoggerName().equals("dev.repoworker.api.events"))
                .allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.DEBUG);
        assertThat(jobLines)
                .filteredOn(e -> e.getLoggerName().equals("dev.repoworker.api.jobs"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
                    assertThat(e.getFormattedMessage()).isEqualTo("job completed acquire-user-repo");
                });
        assertThat(jobLines).allMatch(e -> "1".equals(e.getMDCPropertyMap().get("attempt")));
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(TOKEN));
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(TestApi.SECRET));
    }
}
