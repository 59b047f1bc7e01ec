package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --wait}, {@code status} and {@code process} writing into files, not a terminal: one plain line per
 * step (no carriage return, no bar, no escape sequence), and with {@code --json} exactly one JSON document on stdout.
 * The launcher runs as a child process against a real API and Worker.
 */
class PlainOutputIT {

    private static final Path EXAMPLE_VAULT =
            Path.of("..", "examples", "vault").toAbsolutePath().normalize();
    private static final String SECRET = Signatures.newSecret();
    private static final List<String> STATUSES = List.of("pending", "dispatched", "running");

    @TempDir
    static Path tmp;

    static WorkerApp worker;
    static ApiApp api;
    static TestRepos.Repo repo;

    @BeforeAll
    static void start() throws Exception {
        repo = TestRepos.withFiles(
                tmp.resolve("notes"), Map.of("index.md", "# Home\n\nSee [[one]].\n", "one.md", "# One\n"));
        Map<String, String> workerEnv = new HashMap<>();
        workerEnv.put("PORT", "0");
        workerEnv.put("WORKER_SECRET", SECRET);
        workerEnv.put("TEMP_DIR", tmp.resolve("work").toString());
        workerEnv.put("ARTIFACTS_DIR", tmp.resolve("artifacts").toString());
        workerEnv.put("ALLOW_FILE_REPOS", "true");
        workerEnv.put("FIRST_PROGRESS_DELAY", "0s");
        workerEnv.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        worker = WorkerApp.start(WorkerConfig.fromEnv(workerEnv));
        Map<String, String> apiEnv = new HashMap<>();
        apiEnv.put("PORT", "0");
        apiEnv.put("HOST", "127.0.0.1");
        apiEnv.put("DATA_DIR", tmp.resolve("data").toString());
        apiEnv.put("WORKER_SECRET", SECRET);
        apiEnv.put("REPO_WORKER_API_URL", "http://127.0.0.1:" + worker.port());
        apiEnv.put("DISPATCH_POLL", "100ms");
        api = ApiApp.start(ApiConfig.fromEnv(apiEnv));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.stop();
        }
        if (worker != null) {
            worker.stop();
        }
    }

    @Test
    void submit_wait_into_a_file_writes_one_plain_line_per_step_of_the_job() throws Exception {
        Path log = tmp.resolve("submit.log");
        Process submit = Launcher.start(
                Map.of(),
                log,
                "submit",
                "process-with-repo",
                "--api",
                api.localUrl(),
                "--wait",
                "--data",
                Json.write(Map.of("repoUrl", repo.fileUrl())));
        assertThat(submit.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(log);
        assertThat(submit.exitValue()).as(printed).isZero();

        assertPlain(printed);
        List<String> lines = printed.lines().toList();
        String id = lines.get(0);
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(lines.get(lines.size() - 1)).startsWith("completed: {");
        List<String> stepLines = lines.subList(1, lines.size() - 1).stream()
                .filter(l -> !STATUSES.contains(l))
                .toList();
        List<String> steps = stepLines.stream().map(l -> l.split(" ", 2)[0]).toList();
        List<JsonNode> runs = lastOfEachRun(progressEvents(new ApiClient(api.localUrl()).get(id)));
        assertThat(steps)
                .as(printed)
                .isEqualTo(runs.stream()
                        .map(e -> e.path("data").path("step").asText())
                        .toList());
        assertThat(steps).contains("acquire", "render", "write");
        for (int i = 0; i < runs.size(); i++) {
            assertThat(stepLines.get(i))
                    .as("a step's line has its last message")
                    .endsWith(runs.get(i).path("message").asText().strip());
        }
    }

    @Test
    void submit_wait_json_prints_the_finished_job_as_one_document_and_progress_as_plain_lines_on_stderr()
            throws Exception {
        Launcher.Result result = Launcher.run(
                Map.of(),
                tmp,
                120,
                "submit",
                "acquire-user-repo",
                "--api",
                api.localUrl(),
                "--wait",
                "--json",
                "--data",
                Json.write(Map.of("repoUrl", repo.fileUrl())));

        assertThat(result.exit()).as(result.stderr()).isZero();
        JsonNode job = oneDocument(result.stdout());
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("result").path("commit").asText()).isEqualTo(repo.head());
        assertPlain(result.stderr());
        assertThat(result.stderr().lines().filter(l -> l.startsWith("acquire ")))
                .hasSize(1);

        Launcher.Result status =
                Launcher.run(Map.of(), tmp, 60, "status", job.path("id").asText(), "--api", api.localUrl(), "--json");
        assertThat(status.exit()).isZero();
        assertThat(status.stdout().lines()).hasSize(1);
        assertThat(oneDocument(status.stdout()).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void submit_wait_json_of_a_failing_job_prints_it_failed_and_exits_1() throws Exception {
        Launcher.Result result = Launcher.run(
                Map.of(),
                tmp,
                120,
                "submit",
                "acquire-user-repo",
                "--api",
                api.localUrl(),
                "--wait",
                "--json",
                "--data",
                Json.write(Map.of("repoUrl", "file://" + tmp.resolve("no-such-repository"))));

        assertThat(result.exit()).as(result.stderr()).isEqualTo(1);
        JsonNode job = oneDocument(result.stdout());
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(job.path("error").asText()).isNotBlank();
        assertPlain(result.stderr());
    }

    @Test
    void process_into_a_file_writes_each_phase_once_and_json_prints_the_summary_as_one_document() throws Exception {
        Path log = tmp.resolve("process.log");
        Process process = Launcher.start(
                Map.of(),
                log,
                "process",
                EXAMPLE_VAULT.toString(),
                "--out",
                tmp.resolve("out").toString());
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(log);
        assertThat(process.exitValue()).as(printed).isZero();
        assertPlain(printed);
        List<String> phases = printed.lines()
                .filter(l -> l.matches("(scan|media|render|write) .*"))
                .toList();
        assertThat(phases)
                .extracting(l -> l.split(" ", 2)[0])
                .as(printed)
                .doesNotHaveDuplicates()
                .contains("scan", "render", "write");
        assertThat(phases)
                .filteredOn(l -> l.startsWith("render "))
                .singleElement()
                .asString()
                .contains("5/5")
                .contains("notes reused from the render cache");

        Launcher.Result json = Launcher.run(
                Map.of(),
                tmp,
                180,
                "process",
                EXAMPLE_VAULT.toString(),
                "--out",
                tmp.resolve("out-json").toString(),
                "--json");
        assertThat(json.exit()).as(json.stderr()).isZero();
        assertThat(json.stdout().lines()).hasSize(1);
        assertThat(oneDocument(json.stdout()).path("posts").asInt()).isEqualTo(5);
        assertPlain(json.stderr());

        Launcher.Result failed = Launcher.run(
                Map.of(),
                tmp,
                60,
                "process",
                "file://" + tmp.resolve("no-such-repository"),
                "--task",
                "acquire-user-repo",
                "--out",
                tmp.resolve("out-failed").toString(),
                "--json");
        assertThat(failed.exit()).as(failed.stderr()).isEqualTo(1);
        assertThat(oneDocument(failed.stdout()).path("status").asText()).isEqualTo("failed");
    }

    private static void assertPlain(String printed) {
        assertThat(printed)
                .doesNotContain("\r")
                .doesNotContain("\u001b")
                .doesNotContain("[#")
                .doesNotContain("#-");
    }

    /** The text as exactly one JSON document: anything after it fails. */
    private static JsonNode oneDocument(String text) throws IOException {
        return Json.mapper()
                .readerFor(JsonNode.class)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readValue(text);
    }

    private static List<JsonNode> progressEvents(JsonNode job) {
        List<JsonNode> progress = new ArrayList<>();
        for (JsonNode event : job.path("events")) {
            if (event.path("type").asText().equals("progress")) {
                progress.add(event);
            }
        }
        return progress;
    }

    /** The last report of each run of one step, in order. */
    private static List<JsonNode> lastOfEachRun(List<JsonNode> progress) {
        List<JsonNode> runs = new ArrayList<>();
        String step = null;
        for (JsonNode event : progress) {
            String next = event.path("data").path("step").asText();
            if (next.equals(step)) {
                runs.set(runs.size() - 1, event);
            } else {
                runs.add(event);
            }
            step = next;
        }
        return runs;
    }
}
