package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo-worker job}: the legacy one-shot mode, run as a real child process. */
class JobCommandIT {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tmp;

    private Map<String, String> env(String jobId, String task, String data, String callbackUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("JOB_ID", jobId);
        env.put("TASK", task);
        env.put("DATA", data);
        env.put("CALLBACK_URL", callbackUrl);
        env.put("WORKER_SECRET", SECRET);
        env.put("TEMP_DIR", tmp.resolve("work").toString());
        env.put("ALLOW_FILE_REPOS", "true");
        env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        return env;
    }

    private int run(Map<String, String> env, Path log) throws Exception {
        Process process = Launcher.start(env, log, "job");
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("job finished").isTrue();
        return process.exitValue();
    }

    @Test
    void clones_a_local_repository_delivers_a_signed_callback_and_exits_0() throws Exception {
        TestRepos.Repo repo =
                TestRepos.withFiles(tmp.resolve("notes"), Map.of("README.md", "# Notes\n", "docs/a.md", "hello\n"));
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            Path log = tmp.resolve("job.log");
            int exit = run(
                    env("one-shot-1", "acquire-user-repo", "{\"repoUrl\":\"" + repo.fileUrl() + "\"}", receiver.url()),
                    log);

            assertThat(exit).as(Files.readString(log)).isZero();
            assertThat(receiver.acceptedFinals()).singleElement().satisfies(callback -> {
                assertThat(callback.signatureValid()).contains(true);
                assertThat(callback.status()).isEqualTo("completed");
                assertThat(callback.body().path("result").path("commit").asText())
                        .isEqualTo(repo.head());
                assertThat(callback.body().path("result").path("files").asInt()).isEqualTo(2);
            });
            assertThat(Files.readString(log))
                    .contains("job one-shot-1 completed")
                    .doesNotContain("WARN");
            assertThat(Files.list(tmp.resolve("work").resolve("jobs"))).isEmpty();
        }
    }

    @Test
    void a_failed_task_exits_1_after_delivering_the_failure() throws Exception {
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            Path log = tmp.resolve("job.log");
            String missing = tmp.resolve("no-such-repo").toUri().toString();
            int exit = run(
                    env("one-shot-2", "acquire-user-repo", "{\"repoUrl\":\"" + missing + "\"}", receiver.url()), log);

            assertThat(exit).as(Files.readString(log)).isEqualTo(1);
            assertThat(receiver.acceptedFinals()).singleElement().satisfies(callback -> {
                assertThat(callback.status()).isEqualTo("failed");
                assertThat(callback.body().path("error").asText()).isEqualTo("repository not found");
            });
        }
    }

    @Test
    void bad_input_exits_2_with_a_message_and_sends_nothing() throws Exception {
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            Path log = tmp.resolve("bad.log");
            assertThat(run(env("bad-1", "acquire-user-repo", "{not json", receiver.url()), log))
                    .isEqualTo(2);
            assertThat(Files.readString(log)).contains("DATA must be a JSON object");

            Map<String, String> noTask = env("bad-2", "", "{}", receiver.url());
            assertThat(run(noTask, log)).isEqualTo(2);
            assertThat(Files.readString(log)).contains("TASK is required");

            assertThat(run(env("bad-3", "acquire-user-repo", "{}", receiver.url()), log))
                    .isEqualTo(2);
            assertThat(Files.readString(log)).contains("data.repoUrl");

            Map<String, String> noSecret = env("bad-4", "acquire-user-repo", "{}", receiver.url());
            noSecret.remove("WORKER_SECRET");
            assertThat(run(noSecret, log)).isEqualTo(2);
            assertThat(Files.readString(log)).contains("WORKER_SECRET");
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void a_private_callback_url_needs_to_be_allowed_by_configuration() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("a.md", "A\n"));
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            Path log = tmp.resolve("private.log");
            Map<String, String> notAllowed =
                    env("private-1", "acquire-user-repo", "{\"repoUrl\":\"" + repo.fileUrl() + "\"}", receiver.url());
            notAllowed.remove("ALLOWED_CALLBACK_HOSTS");

            assertThat(run(notAllowed, log)).isEqualTo(2);
            assertThat(Files.readString(log)).contains("callbackUrl host '127.0.0.1' is a loopback address");
            assertThat(receiver.received()).isEmpty();

            Map<String, String> openNetwork = new HashMap<>(notAllowed);
            openNetwork.put("ALLOW_PRIVATE_NETWORKS", "true");
            assertThat(run(openNetwork, tmp.resolve("open.log")))
                    .as(Files.readString(tmp.resolve("open.log")))
                    .isZero();
            assertThat(receiver.acceptedFinals())
                    .singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo("completed"));
        }
    }
}
