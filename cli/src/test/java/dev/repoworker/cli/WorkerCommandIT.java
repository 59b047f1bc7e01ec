package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo-worker worker} as a real process: clone over HTTP, signed callback, SIGTERM. */
class WorkerCommandIT {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tmp;

    @Test
    void the_worker_process_clones_a_repository_and_stops_cleanly_on_sigterm() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = tmp.resolve("worker.log");
        Process worker = Launcher.start(
                Map.of(
                        "PORT",
                        Integer.toString(port),
                        "WORKER_SECRET",
                        SECRET,
                        "TEMP_DIR",
                        tmp.resolve("work").toString(),
                        "ALLOW_FILE_REPOS",
                        "true",
                        "ALLOWED_CALLBACK_HOSTS",
                        "127.0.0.1"),
                log,
                "worker");
        HttpClient http = HttpClient.newHttpClient();
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            URI base = URI.create("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(120))
                    .ignoreExceptions()
                    .until(() -> http.send(
                                            HttpRequest.newBuilder(base.resolve("/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);

            String body = Json.write(Map.of(
                    "jobId",
                    "proc-1",
                    "task",
                    "acquire-user-repo",
                    "callbackUrl",
                    receiver.url(),
                    "data",
                    Map.of("repoUrl", repo.fileUrl())));
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/process"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            Signatures.of(List.of(SECRET)).headersFor(body).forEach(request::header);
            HttpResponse<String> accepted = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(120))
                    .until(() -> receiver.acceptedFinals().size() == 1);
            assertThat(receiver.acceptedFinals().get(0).signatureValid()).contains(true);
            assertThat(receiver.acceptedFinals()
                            .get(0)
                            .body()
                            .path("result")
                            .path("commit")
                            .asText())
                    .isEqualTo(repo.head());
        } finally {
            worker.destroy();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log)).contains("worker stopped");
    }

    @Test
    void invalid_configuration_exits_non_zero_naming_the_variable() throws Exception {
        Path log = tmp.resolve("bad.log");
        Process worker = Launcher.start(Map.of("WORKER_SECRET", SECRET, "JOB_TIMEOUT", "forever"), log, "worker");
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("JOB_TIMEOUT");

        Process noSecret = Launcher.start(Map.of(), log, "worker");
        assertThat(noSecret.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(noSecret.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("WORKER_SECRET is required");
    }

    @Test
    void every_command_has_help() throws Exception {
        for (String command : List.of("standalone", "api", "worker", "job", "submit", "status", "process")) {
            Path log = tmp.resolve(command + ".help");
            Process help = Launcher.start(Map.of(), log, command, "--help");
            assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(help.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("Usage: repo-worker " + command);
        }
    }
}
