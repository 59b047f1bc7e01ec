package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.PrometheusScrape;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, race 5: what the Worker remembers is bounded by count and time, and it refuses rather than forgets. */
@Timeout(120)
class WorkerBoundsTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tempDir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        toClose.sort(java.util.Comparator.comparing(c -> c instanceof CallbackReceiver));
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private WorkerApp start(Map<String, String> overrides) {
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.putAll(overrides);
        WorkerApp app = TestWorkers.start(env);
        toClose.add(app::stop);
        return app;
    }

    private CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        return receiver;
    }

    private static Map<String, Object> noop(String jobId, String callbackUrl, Map<String, Object> data) {
        return Map.of("jobId", jobId, "task", "noop", "callbackUrl", callbackUrl, "data", data);
    }

    private static PrometheusScrape metrics(SignedHttp http) throws Exception {
        HttpResponse<String> response = http.raw(HttpRequest.newBuilder(http.uri("/metrics")).GET().build());
        return PrometheusScrape.parse(response.body());
    }

    @Test
    void finished_jobs_leave_no_timers_in_the_scheduler() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        for (int i = 0; i < 30; i++) {
            assertThat(http.post("/process", noop("timer-" + i, receiver.url(), Map.of())).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.acceptedFinals().size() == 30);

        // what stays is the housekeeping timer, not one cancelled 15-minute timeout per finished job
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(metrics(http).value("repoworker_worker_scheduled_tasks")).isLessThanOrEqualTo(2));
    }
}
