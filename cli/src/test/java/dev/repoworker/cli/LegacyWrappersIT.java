package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LEGACY_JOB_COMMAND wrappers of examples/legacy, each run for real by an API with no Worker, with a stand-in
 * {@code gcloud} / {@code kubectl} first on PATH (src/test/standins) that records its arguments and runs
 * {@code repo-worker job} locally, outside the wrapper's process tree, with the environment it was given: the job
 * calls the API back, the wrapper's exit code means what the API expects, and cancelling the job reaches the
 * scheduler.
 */
class LegacyWrappersIT {

    private static final String SECRET = Signatures.newSecret();
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private final List<ApiApp> apis = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        apis.forEach(ApiApp::stop);
        // what each local "remote" run printed, for the test report
        if (Files.isDirectory(state())) {
            try (Stream<Path> files = Files.walk(state())) {
                for (Path log : files.filter(f ->
                                List.of("log", "calls").contains(f.getFileName().toString()))
                        .toList()) {
                    System.out.println("--- " + state().relativize(log) + "\n" + Files.readString(log));
                }
            }
        }
    }

    private Path state() {
        return tmp.resolve("scheduler");
    }

    /** An API whose fallback is {@code wrapper}, with the stand-ins first on PATH and the local job's settings. */
    private ApiHttp apiWith(String wrapper, Map<String, String> settings) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("standin-bin"));
        try (Stream<Path> standins = Files.list(Path.of("src/test/standins"))) {
            for (Path standin : standins.toList()) {
                Path copy =
                        Files.copy(standin, bin.resolve(standin.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
            }
        }
        Path repoWorker = bin.resolve("repo-worker");
        Files.writeString(
                repoWorker,
                "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xmx256m -jar '"
                        + Launcher.jar().toAbsolutePath() + "' \"$@\"\n");
        Files.setPosixFilePermissions(repoWorker, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(state());

        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/env",
                "PATH=" + bin + ":" + System.getenv("PATH"),
                "STANDIN_STATE=" + state(),
                "STANDIN_REPO_WORKER=" + repoWorker,
                // what the scheduler's job definition would set for the container
                "TEMP_DIR=" + tmp.resolve("job-work"),
                "ALLOW_FILE_REPOS=true",
                "ENABLE_DIAGNOSTIC_TASKS=true",
                "FIRST_PROGRESS_DELAY=0s"));
        settings.forEach((name, value) -> command.add(name + "=" + value));
        command.add(ROOT.resolve("examples/legacy").resolve(wrapper).toString());

        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", tmp.resolve("data").toString());
        env.put("WORKER_SECRET", SECRET);
        ApiApp api = ApiApp.start(ApiConfig.fromEnv(env, command));
        apis.add(api);
        return new ApiHttp(api.localUrl());
    }

    private static JsonNode awaitStatus(ApiHttp http, String id, String status) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().equals(status));
        try {
            return http.job(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String submit(ApiHttp http, Map<String, Object> body) throws Exception {
        return ApiHttp.json(http.post("/api/cloudrun/jobs", body)).path("id").asText();
    }

    private List<String> calls() throws Exception {
        Path calls = state().resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private static void assertEndedWith(ApiHttp http, String id, int exitCode) {
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.job(id)
                        .path("events")
                        .findValuesAsText("message")
                        .contains("the legacy job process exited with code " + exitCode));
    }

    /** After a cancel the API has closed the wrapper's output, so the code it records is not the wrapper's: it ended. */
    private static void assertEnded(ApiHttp http, String id) {
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.job(id).path("events").findValuesAsText("message").stream()
                        .anyMatch(m -> m.startsWith("the legacy job process exited with code")));
    }

    private TestRepos.Repo notes() {
        return TestRepos.withFiles(tmp.resolve("notes"), Map.of("a.md", "# A\n", "b.md", "# B\n"));
    }

    @Test
    void cloud_run_wrapper_runs_the_job_as_an_execution_and_exits_0_after_its_callback() throws Exception {
        TestRepos.Repo repo = notes();
        ApiHttp http = apiWith(
                "cloud-run-job.sh", Map.of("CLOUD_RUN_JOB", "repo-worker-job", "CLOUD_RUN_REGION", "europe-west1"));

        String id = submit(
                http,
                Map.of(
                        "task",
                        "acquire-user-repo",
                        "data",
                        Map.of("repoUrl", repo.fileUrl(), "gitToken", "tok-cloud-run")));

        JsonNode job = awaitStatus(http, id, "completed");
        assertThat(job.path("result").path("commit").asText()).isEqualTo(repo.head());
        assertThat(job.path("runner").asText()).isEqualTo("fallback");
        assertEndedWith(http, id, 0);
        assertThat(http.job(id).path("status").asText()).isEqualTo("completed");
        assertThat(calls())
                .singleElement()
                .satisfies(call -> assertThat(call)
                        .startsWith(
                                "gcloud run jobs execute repo-worker-job --region europe-west1 --wait --flags-file ")
                        .doesNotContain("tok-cloud-run"));
        Path execution;
        try (Stream<Path> executions = Files.list(state().resolve("executions"))) {
            execution = executions.findFirst().orElseThrow();
        }
        assertThat(Files.readString(execution.resolve("run.env")))
                .contains(
                        "JOB_ID=" + id,
                        "TASK=acquire-user-repo",
                        "CALLBACK_URL=http://",
                        "/api/cloudrun/callback",
                        "ATTEMPT=1",
                        "tok-cloud-run");
    }

    @Test
    void cloud_run_wrapper_cancels_the_execution_when_the_job_is_cancelled() throws Exception {
        ApiHttp http = apiWith("cloud-run-job.sh", Map.of("CLOUD_RUN_JOB", "repo-worker-job"));
        String id = submit(http, Map.of("task", "noop", "data", Map.of("durationMs", 600_000)));
        awaitStatus(http, id, "running");

        assertThat(http.post("/api/cloudrun/jobs/" + id + "/cancel", "{}").statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> calls().stream()
                        .anyMatch(c -> c.startsWith("gcloud run jobs executions cancel repo-worker-job-")));
        assertThat(calls()).anyMatch(c -> c.startsWith("gcloud run jobs executions list --job repo-worker-job"));
        Path execution;
        try (Stream<Path> executions = Files.list(state().resolve("executions"))) {
            execution = executions.findFirst().orElseThrow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(execution.resolve("exit")));
        assertEnded(http, id);
        assertThat(http.job(id).path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void kubernetes_wrapper_runs_the_job_from_its_secret_and_exits_0_after_its_callback() throws Exception {
        TestRepos.Repo repo = notes();
        ApiHttp http = apiWith("kubernetes-job.sh", Map.of("K8S_NAMESPACE", "builds"));

        String id = submit(
                http,
                Map.of("task", "acquire-user-repo", "data", Map.of("repoUrl", repo.fileUrl(), "gitToken", "tok-k8s")));

        JsonNode job = awaitStatus(http, id, "completed");
        assertThat(job.path("result").path("commit").asText()).isEqualTo(repo.head());
        assertEndedWith(http, id, 0);
        assertThat(http.job(id).path("status").asText()).isEqualTo("completed");
        String name = "repo-worker-" + id.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-a1";
        List<String> calls = calls();
        assertThat(calls).noneMatch(c -> c.contains("tok-k8s"));
        assertThat(calls)
                .anyMatch(c ->
                        c.startsWith("kubectl create secret generic " + name + " --namespace builds --from-env-file="))
                .contains("kubectl create --namespace builds -f -")
                .anyMatch(c -> c.startsWith("kubectl wait --namespace builds --for=condition=complete job/" + name))
                .anyMatch(c -> c.startsWith("kubectl wait --namespace builds --for=condition=failed job/" + name));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        calls().contains("kubectl delete secret " + name + " --namespace builds --ignore-not-found"));
        Path run = state().resolve("jobs").resolve(name);
        assertThat(Files.readString(run.resolve("manifest.yaml")))
                .contains("name: " + name)
                .doesNotContain("__NAME__");
        assertThat(Files.readString(run.resolve("run.env")))
                .contains("JOB_ID=" + id, "TASK=acquire-user-repo", "tok-k8s");
    }

    @Test
    void kubernetes_wrapper_exits_1_when_the_job_fails_and_deletes_the_job_when_cancelled() throws Exception {
        ApiHttp http = apiWith("kubernetes-job.sh", Map.of());
        String failing = submit(http, Map.of("task", "noop", "data", Map.of("fail", "broken on purpose")));
        JsonNode failed = awaitStatus(http, failing, "failed");
        assertThat(failed.path("error").asText()).isEqualTo("broken on purpose");
        assertEndedWith(http, failing, 1);

        String id = submit(http, Map.of("task", "noop", "data", Map.of("durationMs", 600_000)));
        awaitStatus(http, id, "running");
        assertThat(http.post("/api/cloudrun/jobs/" + id + "/cancel", "{}").statusCode())
                .isEqualTo(200);

        String name = "repo-worker-" + id.toLowerCase().replaceAll("[^a-z0-9-]", "-") + "-a1";
        await().atMost(Duration.ofSeconds(30))
                .until(() -> calls().stream().anyMatch(c -> c.startsWith("kubectl delete job " + name)));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(state().resolve("jobs").resolve(name).resolve("exit")));
        assertEnded(http, id);
        assertThat(http.job(id).path("status").asText()).isEqualTo("cancelled");
    }
}
