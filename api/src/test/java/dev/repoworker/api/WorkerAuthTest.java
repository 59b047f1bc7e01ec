package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.OriginalWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code WORKER_AUTH}: each mode sends exactly what it says to the Worker, and any 2xx from /process is an acceptance. */
class WorkerAuthTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "WORKER_AUTH={0}")
    @CsvSource({"signature, true, false", "bearer, false, true", "both, true, true", ", true, true"})
    void each_mode_sends_what_it_says(String mode, boolean signed, boolean bearer) {
        Map<String, String> env = mode == null ? Map.of() : Map.of("WORKER_AUTH", mode);
        try (OriginalWorker recorder = OriginalWorker.withSecret(TestApi.SECRET);
                TestApi api = TestApi.start(dir, merged(env, "REPO_WORKER_API_URL", recorder.url()))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !recorder.requests().isEmpty());

            OriginalWorker.Request process = recorder.requests().get(0);
            assertThat(process.header(Signatures.ID_HEADER) != null).isEqualTo(signed);
            assertThat(process.header(Signatures.TIMESTAMP_HEADER) != null).isEqualTo(signed);
            assertThat(process.header(Signatures.SIGNATURE_HEADER) != null).isEqualTo(signed);
            assertThat(process.header("Authorization")).isEqualTo(bearer ? "Bearer " + TestApi.SECRET : null);
            // the original Worker checks only the bearer token
            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals(bearer ? "completed" : "failed"));
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"200", "201", "202"})
    void any_2xx_from_process_is_an_acceptance(int status) throws Exception {
        try (FakeWorker worker =
                        new FakeWorker().replyToProcess(FakeWorker.Reply.of(status, "{\"status\":\"accepted\"}"));
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !worker.processRequests().isEmpty());

            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> api.status(id).equals("dispatched"));
            assertThat(worker.processRequests()).hasSize(1);
        }
    }

    @Test
    void signatures_and_bearer_are_both_sent_by_default() {
        assertThat(ApiConfig.fromEnv(TestApi.env(dir, Map.of())).workerAuth().name())
                .isEqualTo("BOTH");
    }

    private static Map<String, String> merged(Map<String, String> env, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(key, value);
        return all;
    }
}
