package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands as written: every fenced block marked {@code bash runnable} is run by bash, as a reader
 * would paste it, against the servers it talks to (started here as the README starts them: {@code standalone} on
 * its port, {@code WORKER_SECRET=s3cret ALLOW_FILE_REPOS=true ALLOWED_CALLBACK_HOSTS=127.0.0.1 worker}, a
 * callback receiver), with only ports and paths substituted. Each must exit 0 with no stack trace.
 */
class ReadmeIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SECRET = "s3cret";

    @TempDir
    Path tmp;

    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process server : servers) {
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void every_runnable_block_of_the_readme_runs_as_written() throws Exception {
        List<String> blocks = runnableBlocks(Files.readString(ROOT.resolve("README.md")));
        assertThat(blocks).as("runnable blocks in the README").hasSizeGreaterThanOrEqualTo(4);

        TestRepos.Repo notes =
                TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Notes\n", "a.md", "A [[index]]\n"));
        int apiPort = freePort();
        int workerPort = freePort();
        servers.add(Launcher.start(
                Map.of(
                        "PORT",
                        Integer.toString(apiPort),
                        "DATA_DIR",
                        tmp.resolve("data").toString(),
                        "TEMP_DIR",
                        tmp.resolve("standalone-work").toString()),
                tmp.resolve("standalone.log"),
                "standalone"));
        servers.add(Launcher.start(
                Map.of(
                        "PORT",
                        Integer.toString(workerPort),
                        "WORKER_SECRET",
                        SECRET,
                        "ALLOW_FILE_REPOS",
                        "true",
                        "ALLOWED_CALLBACK_HOSTS",
                        "127.0.0.1",
                        "TEMP_DIR",
                        tmp.resolve("worker-work").toString()),
                tmp.resolve("worker.log"),
                "worker"));
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> Files.readString(tmp.resolve("standalone.log")).contains("API on")
                            && Files.readString(tmp.resolve("worker.log")).contains("listening on port"));
            Map<String, String> substitutions = new LinkedHashMap<>();
            substitutions.put("bin/repo-worker", ROOT.resolve("bin/repo-worker").toString());
            substitutions.put("examples/vault", ROOT.resolve("examples/vault").toString());
            substitutions.put(" out/", " " + tmp.resolve("out") + "/");
            substitutions.put("file:///path/to/your/notes", notes.fileUrl());
            substitutions.put("file:///tmp/demo/notes", notes.fileUrl());
            substitutions.put("localhost:8080", "127.0.0.1:" + workerPort);
            substitutions.put("127.0.0.1:9999", "127.0.0.1:" + receiver.port());

            for (String block : blocks) {
                String script = block;
                for (Map.Entry<String, String> s : substitutions.entrySet()) {
                    script = script.replace(s.getKey(), s.getValue());
                }
                Launcher.Result result = bash(script, Map.of("REPO_WORKER_URL", "http://127.0.0.1:" + apiPort));

                assertThat(result.exit())
                        .as("exit status of\n%s\nstdout:\n%s\nstderr:\n%s", block, result.stdout(), result.stderr())
                        .isZero();
                assertThat(result.stdout() + result.stderr()).as(block).doesNotContainPattern("(?m)^\\s+at [a-z]");
            }
            assertThat(Files.readString(tmp.resolve("out/posts.json"))).contains("\"slug\"");
            // job-1 ends completed, or cancelled when the README's cancel reached it first: either way, signed and
            // delivered
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(receiver.acceptedFinals())
                            .as("final callbacks; the Worker's log:\n%s", Files.readString(tmp.resolve("worker.log")))
                            .anyMatch(r -> r.body().path("jobId").asText().equals("job-1")
                                    && r.signatureValid().orElse(false)));
        }
    }

    /** The bodies of the fenced blocks whose info string is {@code bash runnable}. */
    static List<String> runnableBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.strip().equals("```bash runnable")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    private Launcher.Result bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("shell"));
        Path out = Files.createTempFile(tmp, "stdout", ".log");
        Path err = Files.createTempFile(tmp, "stderr", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after 300 s:\n" + script);
        }
        return new Launcher.Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
