package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.LegacyH2Import;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 file of an earlier version's embedded store: imported into SQLite once, or the start fails saying why. */
class LegacyH2ImportTest {

    static final String COMPLETED = "11111111-1111-1111-1111-111111111111";
    static final String PENDING = "22222222-2222-2222-2222-222222222222";

    @TempDir
    Path dir;

    /** The earlier version's default database URL: an H2 file in DATA_DIR. */
    static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("repo-worker") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    }

    /** An H2 store the way an earlier version made it: the PostgreSQL migrations up to {@code version}, no user. */
    static void createH2(Path dataDir, String version) {
        Flyway.configure()
                .dataSource(h2Url(dataDir), null, null)
                .locations("classpath:db/postgresql")
                .target(version)
                .load()
                .migrate();
    }

    /** A completed job with three events (two share a sequence number), a pending one with dispatch rows, a webhook id. */
    static void fillH2(Path dataDir, boolean withMessages) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(h2Url(dataDir));
                Statement s = c.createStatement()) {
            String columns =
                    "INSERT INTO jobs (id, task, requested_task, status, input_json, result_json, attempt, max_attempts, "
                            + "version, runner, processed_at, duration_ms, created_at, updated_at, completed_at) VALUES ";
            s.execute(columns + "('" + COMPLETED + "', 'acquire-user-repo', 'clone-repo', 'completed', "
                    + "'{\"repoUrl\":\"https://git.example.test/o/done\",\"depth\":1}', '{\"files\":3}', 1, 3, 4, 'worker', "
                    + (now - 50_000) + ", 1200, " + (now - 60_000) + ", " + (now - 50_000) + ", " + (now - 50_000)
                    + ")");
            s.execute(columns + "('" + PENDING + "', 'acquire-user-repo', 'clone-repo', 'pending', "
                    + "'{\"repoUrl\":\"https://git.example.test/o/next\",\"depth\":1}', NULL, 1, 3, 1, NULL, NULL, NULL, "
                    + (now - 40_000) + ", " + (now - 40_000) + ", NULL)");
            String events = "INSERT INTO job_events (id, job_id, seq, at, type, attempt, message) VALUES ";
            s.execute(events + "('e1', '" + COMPLETED + "', 1, " + (now - 60_000) + ", 'created', 1, 'job created')");
            s.execute(events + "('e2', '" + COMPLETED + "', 2, " + (now - 55_000)
                    + ", 'dispatched', 1, 'sent to the worker')");
            s.execute(events + "('e3', '" + COMPLETED + "', 2, " + (now - 50_000) + ", 'callback', 1, 'completed')");
            s.execute(events + "('e4', '" + PENDING + "', 1, " + (now - 40_000) + ", 'created', 1, 'job created')");
            String dispatches =
                    "INSERT INTO dispatches (id, job_id, attempt, state, tries, due_at, created_at, updated_at) VALUES ";
            s.execute(dispatches + "('d1', '" + COMPLETED + "', 1, 'sent', 1, " + (now - 55_000) + ", 0, 0)");
            s.execute(dispatches + "('d2', '" + PENDING + "', 1, 'pending', 2, " + (now - 1_000) + ", 0, 0)");
            if (withMessages) {
                s.execute("INSERT INTO webhook_messages (id, received_at, expires_at) VALUES ('msg_legacy', "
                        + (now - 50_000) + ", " + (now + 3_600_000) + ")");
            }
        }
    }

    /** The API on {@code DATA_DIR=dir} with the embedded default database (a blank DATABASE_URL is unset). */
    Map<String, String> embeddedDefault(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(TestApi.env(dir, extra));
        env.put("DATABASE_URL", "");
        return env;
    }

    static List<Object> column(Path sqlite, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Object> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getObject(1));
            }
            return values;
        }
    }

    @Test
    void the_api_imports_an_earlier_versions_h2_store_once_and_dispatches_its_pending_jobs() throws Exception {
        createH2(dir, "2");
        fillH2(dir, true);
        Files.writeString(dir.resolve("repo-worker.trace.db"), "h2 trace\n");
        ApiConfig config = ApiConfig.fromEnv(embeddedDefault(Map.of()));
        assertThat(config.databaseUrl()).isEqualTo(ApiConfig.embeddedDatabaseUrl(dir));

        try (FakeWorker worker = new FakeWorker();
                TestApi api = TestApi.start(
                        ApiConfig.fromEnv(embeddedDefault(Map.of("REPO_WORKER_API_URL", worker.url()))))) {
            JsonNode done = api.job(COMPLETED);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("type").asText()).isEqualTo("clone-repo");
            assertThat(done.get("result").get("files").asInt()).isEqualTo(3);
            assertThat(done.get("duration").asLong()).isEqualTo(1200);
            assertThat(DispatchTest.eventTypes(done)).containsExactly("created", "dispatched", "callback");

            // the claim hands the job over (dispatched) before the request reaches the Worker
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !worker.processRequests().isEmpty());
            assertThat(api.status(PENDING)).isEqualTo("dispatched");
            assertThat(worker.processRequests()).singleElement().satisfies(r -> {
                assertThat(r.body().get("jobId").asText()).isEqualTo(PENDING);
                assertThat(r.body().get("data").get("repoUrl").asText()).isEqualTo("https://git.example.test/o/next");
            });
        }
        assertThat(dir.resolve("repo-worker.mv.db")).doesNotExist();
        assertThat(dir.resolve("repo-worker.mv.db.imported")).exists();
        assertThat(dir.resolve("repo-worker.trace.db")).doesNotExist();
        assertThat(dir.resolve("repo-worker.trace.db.imported")).exists();
        Path sqlite = dir.resolve("repo-worker.db");
        assertThat(column(sqlite, "SELECT id FROM webhook_messages")).containsExactly("msg_legacy");

        // a second start finds no H2 file: nothing is imported again, the jobs are there once
        try (TestApi again = TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))) {
            assertThat(again.status(COMPLETED)).isEqualTo("completed");
            assertThat(DispatchTest.eventTypes(again.job(COMPLETED)))
                    .containsExactly("created", "dispatched", "callback");
        }
        assertThat(column(sqlite, "SELECT COUNT(*) FROM jobs")).containsExactly(2);
    }

    @Test
    void pending_jobs_keep_their_due_time_and_tries_and_events_are_renumbered() throws Exception {
        createH2(dir, "2");
        fillH2(dir, true);
        long pendingDue;
        try (Connection c = DriverManager.getConnection(h2Url(dir));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT due_at FROM dispatches WHERE id = 'd2'")) {
            rs.next();
            pendingDue = rs.getLong(1);
        }
        Path sqlite = dir.resolve("repo-worker.db");
        try (Database database = Database.open("jdbc:sqlite:" + sqlite, null, null, 2)) {
            LegacyH2Import.importIfPresent(dir, database, null, null);
        }

        assertThat(column(
                        sqlite,
                        "SELECT due_at || '/' || dispatch_tries || '/' || (claim_token IS NULL) FROM jobs WHERE id = '"
                                + PENDING + "'"))
                .containsExactly(pendingDue + "/2/1");
        assertThat(column(
                        sqlite,
                        "SELECT (due_at IS NULL) || '/' || dispatch_tries FROM jobs WHERE id = '" + COMPLETED + "'"))
                .containsExactly("1/0");
        assertThat(column(sqlite, "SELECT id || ':' || seq FROM job_events ORDER BY job_id, seq"))
                .containsExactly("e1:1", "e2:2", "e3:3", "e4:1");
    }

    @Test
    void a_store_of_the_first_version_without_webhook_ids_is_imported_too() throws Exception {
        createH2(dir, "1");
        fillH2(dir, false);
        Path sqlite = dir.resolve("repo-worker.db");
        try (Database database = Database.open("jdbc:sqlite:" + sqlite, null, null, 2)) {
            LegacyH2Import.importIfPresent(dir, database, null, null);
        }
        assertThat(column(sqlite, "SELECT id FROM jobs ORDER BY id")).containsExactly(COMPLETED, PENDING);
        assertThat(column(sqlite, "SELECT COUNT(*) FROM webhook_messages")).containsExactly(0);
        assertThat(dir.resolve("repo-worker.mv.db.imported")).exists();
    }

    @Test
    void a_sqlite_store_that_already_holds_jobs_is_not_merged_with_an_h2_file_the_start_fails() throws Exception {
        String kept;
        try (TestApi api = TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))) {
            kept = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
        }
        createH2(dir, "2");
        fillH2(dir, true);

        assertThatThrownBy(() -> TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))
                        .close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("repo-worker.db").toString())
                .hasMessageContaining("already holds 1 job and")
                .hasMessageContaining(dir.resolve("repo-worker.mv.db") + " is the H2 database of an earlier version")
                .hasMessageContaining("not merged: move " + dir.resolve("repo-worker.mv.db") + " away")
                .hasMessageNotContaining("\n");
        assertThat(dir.resolve("repo-worker.mv.db")).exists();
        assertThat(column(dir.resolve("repo-worker.db"), "SELECT id FROM jobs")).containsExactly(kept);
    }

    @Test
    void
            an_h2_file_in_use_by_a_running_earlier_version_fails_the_start_naming_it_and_is_imported_once_that_one_is_gone()
                    throws Exception {
        createH2(dir, "2");
        fillH2(dir, true);
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HoldH2.class.getName(),
                        h2Url(dir))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open");

            assertThatThrownBy(() -> TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))
                            .close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot import the H2 database of an earlier version, "
                            + dir.resolve("repo-worker.mv.db") + ": it is in use by another process")
                    .hasMessageContaining("stop the repo-worker of the earlier version")
                    .hasMessageNotContaining("\n");
        } finally {
            holder.destroyForcibly(); // kill -9: H2 is not closed cleanly
            holder.waitFor();
        }
        assertThat(dir.resolve("repo-worker.mv.db")).exists();

        try (TestApi api = TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))) {
            assertThat(api.status(COMPLETED)).isEqualTo("completed");
        }
        assertThat(dir.resolve("repo-worker.mv.db.imported")).exists();
    }

    @Test
    void a_damaged_h2_file_fails_the_start_naming_it() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("repo-worker.mv.db"), "not an H2 database\n".repeat(10));

        assertThatThrownBy(() -> TestApi.start(ApiConfig.fromEnv(embeddedDefault(Map.of())))
                        .close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot import the H2 database of an earlier version, "
                        + dir.resolve("repo-worker.mv.db") + ": it cannot be read: ")
                .hasMessageContaining("move the file away to start without its jobs")
                .hasMessageNotContaining("\n");
        assertThat(dir.resolve("repo-worker.mv.db")).exists();
    }

    @Test
    void an_explicit_database_url_leaves_an_h2_file_alone() throws Exception {
        createH2(dir, "2");
        try (TestApi api = TestApi.start(dir, Map.of())) {
            assertThat(api.get("/api/cloudrun/jobs/" + COMPLETED).status()).isEqualTo(404);
        }
        assertThat(dir.resolve("repo-worker.mv.db")).exists();
    }

    /** An earlier version still running: holds the H2 file open until killed. */
    public static final class HoldH2 {
        public static void main(String[] args) throws Exception {
            try (Connection c = DriverManager.getConnection(args[0])) {
                System.out.println("open");
                System.out.flush();
                Thread.sleep(Duration.ofMinutes(2).toMillis());
            }
        }
    }
}
