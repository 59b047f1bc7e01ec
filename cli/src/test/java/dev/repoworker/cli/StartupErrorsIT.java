package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a service can fail to start that its operator can fix ends in one line on stderr naming what is wrong
 * and what to set, exit status 2, and no stack trace: the real launcher jar, each failure made for real.
 */
class StartupErrorsIT {

    private static final String SECRET = "startup-errors-secret";

    @TempDir
    Path tmp;

    @Test
    void a_busy_port_is_one_line_naming_the_variable() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            String port = Integer.toString(busy.getLocalPort());
            expectOneLine(
                    run(Map.of("PORT", port), "worker"), "repo-worker worker: port " + port + " is in use (set PORT)");
            expectOneLine(run(Map.of("PORT", port), "api"), "repo-worker api: port " + port + " is in use (set PORT)");
            expectOneLine(
                    run(Map.of("PORT", port), "standalone"),
                    "repo-worker standalone: port " + port + " is in use (set PORT)");
            expectOneLine(
                    run(Map.of("PORT", "0", "WORKER_PORT", port), "standalone"),
                    "repo-worker standalone: port " + port + " is in use (set WORKER_PORT)");
        }
    }

    @Test
    void a_database_url_that_cannot_work_is_one_line_naming_database_url() throws Exception {
        expectOneLine(
                run(Map.of("DATABASE_URL", "garbage"), "api"),
                "repo-worker api: DATABASE_URL must be postgres://…, jdbc:postgresql://… or jdbc:sqlite:<file>, got 'garbage'");
        expectOneLine(
                run(Map.of("DATABASE_URL", "jdbc:mysql://127.0.0.1/test"), "api"),
                "repo-worker api: DATABASE_URL must be postgres://…, jdbc:postgresql://… or jdbc:sqlite:<file>, got 'jdbc:mysql://127.0.0.1/test'");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        expectOneLine(
                run(Map.of("DATABASE_URL", "postgres://127.0.0.1:" + closed + "/test"), "api"),
                "repo-worker api: cannot reach PostgreSQL at 127.0.0.1:" + closed
                        + ": connection refused (DATABASE_URL)");
    }

    @Test
    void a_database_that_does_not_exist_is_one_line() throws Exception {
        assumeThat(postgresReachable())
                .as("PostgreSQL at 127.0.0.1:5432 (user postgres) is needed; skipped without it")
                .isTrue();
        expectOneLine(
                run(Map.of("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/no_such_database_here"), "api"),
                "repo-worker api: PostgreSQL at 127.0.0.1:5432 has no database 'no_such_database_here' (DATABASE_URL)");
    }

    @Test
    void a_second_standalone_on_the_same_data_folder_is_one_line() throws Exception {
        Map<String, String> env = env(Map.of("PORT", "0"));
        Path log = tmp.resolve("first.log");
        Process first = Launcher.start(env, log, "standalone");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(log).contains("API on"));

            expectOneLine(
                    Launcher.run(env, tmp, 60, "standalone"),
                    "repo-worker standalone: another repo-worker is using ./data (stop it or set DATA_DIR)");
        } finally {
            first.destroy();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unknown_log_settings_are_refused_instead_of_dropping_every_line() throws Exception {
        expectOneLine(
                run(Map.of("LOG_FORMAT", "yaml"), "worker"),
                "repo-worker: LOG_FORMAT must be one of text, json, got 'yaml'");
        expectOneLine(
                run(Map.of("LOG_LEVEL", "verbose"), "worker"),
                "repo-worker: LOG_LEVEL must be one of trace, debug, info, warn, error, off, got 'verbose'");
    }

    @Test
    void no_command_is_a_usage_error() throws Exception {
        Launcher.Result result = run(Map.of());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.stderr()).contains("a command is required").contains("Usage: repo-worker");
        assertThat(result.stdout()).isEmpty();
    }

    private Launcher.Result run(Map<String, String> extra, String... args) throws Exception {
        return Launcher.run(env(extra), tmp, 60, args);
    }

    /** A configuration that starts (shared secret, its own data and temp folders) plus {@code extra}. */
    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "WORKER_SECRET",
                SECRET,
                "DATA_DIR",
                tmp.resolve("data").toString(),
                "TEMP_DIR",
                tmp.resolve("work").toString()));
        env.putAll(extra);
        return env;
    }

    private static void expectOneLine(Launcher.Result result, String line) {
        List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr of a failed start").containsExactly(line);
        assertThat(result.exit()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stdout()).doesNotContainPattern("(?m)^\\s+at ");
    }

    private static boolean postgresReachable() {
        try (var ignored = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
