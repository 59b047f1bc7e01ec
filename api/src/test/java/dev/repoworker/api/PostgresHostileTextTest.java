package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL refuses NUL in text columns, H2 does not: hostile text (NUL, lone surrogates, control characters)
 * in every free-text field of a submission and of a callback is stored or refused with a 4xx, never a 5xx.
 */
class PostgresHostileTextTest {

    private static final String HOSTILE = "a\u0000b \ud800 \u001b[31m \u202e";

    static TestDatabases.PostgresSchema schema;
    static FakeWorker worker;

    @TempDir
    Path dir;

    @BeforeAll
    static void createSchema() throws Exception {
        schema = TestDatabases.createPostgresSchema();
        worker = new FakeWorker();
    }

    @AfterAll
    static void dropSchema() {
        worker.close();
        TestDatabases.dropSchema(schema);
    }

    @Test
    void hostile_text_in_submissions_and_callbacks_is_never_a_5xx() {
        try (TestApi api = TestApi.start(
                dir,
                Map.of(
                        "DATABASE_URL",
                        schema.url(),
                        "DATABASE_USER",
                        TestDatabases.POSTGRES_USER,
                        "REPO_WORKER_API_URL",
                        worker.url()))) {
            TestApi.Response submitted = api.post(
                    "/api/cloudrun/jobs",
                    Json.write(Map.of(
                            "task",
                            "build-assets",
                            "data",
                            Map.of(
                                    "repoUrl",
                                    "https://git.example.test/o/r",
                                    "note",
                                    HOSTILE,
                                    HOSTILE,
                                    List.of(HOSTILE),
                                    "gitToken",
                                    "tok-" + HOSTILE))));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            String id = submitted.json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
            assertThat(api.post("/api/cloudrun/jobs", Json.write(Map.of("task", "noop", "projectId", HOSTILE)))
                            .status())
                    .isEqualTo(400);
            assertThat(api.get("/api/cloudrun/jobs?projectId=a%00b").status()).isEqualTo(400);

            TestApi.Response progress =
                    api.signedCallback(Json.write(Callback.running(id, 1, new Progress(HOSTILE, 1, 2, HOSTILE))));
            Callback failed = new Callback(
                    id,
                    Callback.FAILED,
                    Map.of(HOSTILE, HOSTILE),
                    HOSTILE,
                    Instant.now(),
                    null,
                    null,
                    1,
                    List.of(HOSTILE, HOSTILE));
            TestApi.Response failure = api.signedCallback(Json.write(failed));

            assertThat(progress.status()).as(progress.body()).isEqualTo(200);
            assertThat(failure.status()).as(failure.body()).isEqualTo(200);
            assertThat(api.status(id)).isEqualTo("failed");
            assertThat(api.job(id).get("error").asText()).startsWith("a\ufffdb");
        }
    }
}
