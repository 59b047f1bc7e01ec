package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestRepos;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's flow: {@code repo-worker standalone}, then {@code submit --wait} and {@code status}, all real processes. */
class StandaloneIT {

    @TempDir
    Path tmp;

    @Test
    void standalone_runs_a_submitted_clone_to_completion_on_the_embedded_database() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(
                tmp.resolve("vault"), Map.of("index.md", "# Vault\n", "a.md", "A\n", "b.md", "B\n"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String api = "http://127.0.0.1:" + port;
        Process standalone = Launcher.start(
                Map.of(
                        "PORT",
                        Integer.toString(port),
                        "DATA_DIR",
                        tmp.resolve("data").toString(),
                        "TEMP_DIR",
                        tmp.resolve("work").toString()),
                tmp.resolve("standalone.log"),
                "standalone");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(tmp.resolve("standalone.log")).contains("API on"));

            Path submitLog = tmp.resolve("submit.log");
            Process submit = Launcher.start(
                    Map.of(),
                    submitLog,
                    "submit",
                    "acquire-user-repo",
                    "--api",
                    api,
                    "--wait",
                    "--data",
                    Json.write(Map.of("repoUrl", repo.fileUrl())));
            assertThat(submit.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String submitted = Files.readString(submitLog);
            assertThat(submit.exitValue()).as(submitted).isZero();
            String id = submitted
                    .lines()
                    .filter(l -> l.matches("[0-9a-f-]{36}"))
                    .findFirst()
                    .orElseThrow();
            assertThat(submitted).contains("completed").contains(repo.head());

            Path statusLog = tmp.resolve("status.log");
            Process status = Launcher.start(Map.of(), statusLog, "status", id, "--api", api);
            assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(status.exitValue()).isZero();
            assertThat(Files.readString(statusLog))
                    .contains("\"status\" : \"completed\"")
                    .contains(repo.head());
            assertThat(Files.exists(tmp.resolve("data"))).isTrue();

            // bad data is refused at submission by the Worker's own rules (exit 2, the field named), never accepted to
            // fail later
            Launcher.Result noUrl = Launcher.run(
                    Map.of(), tmp, 60, "submit", "acquire-user-repo", "--api", api, "--wait", "--data", "{}");
            assertThat(noUrl.exit()).as(noUrl.stderr()).isEqualTo(2);
            assertThat(noUrl.stderr()).contains("data.repoUrl is required").contains("(field data.repoUrl)");
            Launcher.Result badDepth = Launcher.run(
                    Map.of(),
                    tmp,
                    60,
                    "submit",
                    "acquire-user-repo",
                    "--api",
                    api,
                    "--data",
                    Json.write(Map.of("repoUrl", repo.fileUrl(), "depth", -1)));
            assertThat(badDepth.exit()).as(badDepth.stderr()).isEqualTo(2);
            assertThat(badDepth.stderr()).contains("field data.depth");
            Launcher.Result noop = Launcher.run(Map.of(), tmp, 60, "submit", "noop", "--api", api);
            assertThat(noop.exit()).isEqualTo(2);
            assertThat(noop.stderr())
                    .contains("unknown task 'noop'")
                    .doesNotContain("noop,")
                    .doesNotContain(", noop");
            // --data @FILE in the README's space form reads the file; a missing one says so
            Path dataFile = Files.writeString(tmp.resolve("job.json"), Json.write(Map.of("repoUrl", repo.fileUrl())));
            Launcher.Result fromFile = Launcher.run(
                    Map.of(),
                    tmp,
                    120,
                    "submit",
                    "acquire-user-repo",
                    "--api",
                    api,
                    "--wait",
                    "--timeout",
                    "90s",
                    "--data",
                    "@" + dataFile);
            assertThat(fromFile.exit()).as(fromFile.stderr()).isZero();
            Launcher.Result missing = Launcher.run(
                    Map.of(),
                    tmp,
                    60,
                    "submit",
                    "acquire-user-repo",
                    "--api",
                    api,
                    "--data",
                    "@" + tmp.resolve("missing.json"));
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.stderr().strip())
                    .isEqualTo("repo-worker submit: cannot read --data file " + tmp.resolve("missing.json")
                            + ": no such file");

            Process bad = Launcher.start(Map.of(), tmp.resolve("bad.log"), "submit", "make-coffee", "--api", api);
            assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(bad.exitValue()).isEqualTo(2);
            assertThat(Files.readString(tmp.resolve("bad.log"))).contains("make-coffee");

            Process unknown =
                    Launcher.start(Map.of(), tmp.resolve("unknown.log"), "status", "no-such-job", "--api", api);
            assertThat(unknown.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(unknown.exitValue()).isEqualTo(1);
        } finally {
            standalone.destroy();
            assertThat(standalone.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }
}
