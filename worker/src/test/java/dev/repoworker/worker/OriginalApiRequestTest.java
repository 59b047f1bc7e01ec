package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.OriginalApi;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original Node.js API as a client of our Worker: its requests exactly as it sends them (Bearer only, no
 * webhook-* headers, no attempt, ObjectId job ids, its data shapes), and a callback receiver that, like the
 * original's callback route, checks no signature and answers 200.
 */
class OriginalApiRequestTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path temp;

    private WorkerApp worker;
    private CallbackReceiver receiver;
    private OriginalApi original;
    private TestRepos.Repo repo;

    @BeforeEach
    void start() {
        Map<String, String> env = TestWorkers.env(SECRET, temp.resolve("tmp"));
        env.put("ARTIFACTS_DIR", temp.resolve("artifacts").toString());
        env.put("EMBEDDINGS_CACHE_DIR", temp.resolve("cache").toString());
        worker = TestWorkers.start(env);
        receiver = CallbackReceiver.unverified();
        original = OriginalApi.to("http://127.0.0.1:" + worker.port(), SECRET);
        repo = TestRepos.init(temp.resolve("notes"));
        repo.write("alpha.md", "---\ntitle: Alpha\n---\n# Alpha\n\nCompost and [[beta]].\n");
        repo.write("beta.md", "---\ntitle: Beta\n---\n# Beta\n\nRoses, see [[alpha]].\n");
        repo.commit("notes");
    }

    @AfterEach
    void stop() {
        worker.stop();
        receiver.close();
    }

    private CallbackReceiver.Received finalCallback(String jobId) {
        await().atMost(Duration.ofSeconds(120))
                .until(() -> receiver.receivedFor(jobId).stream()
                        .anyMatch(r -> !r.status().equals("running")));
        return receiver.receivedFor(jobId).stream()
                .filter(r -> !r.status().equals("running"))
                .findFirst()
                .orElseThrow();
    }

    private static void assertAccepted(OriginalApi.Sent sent) {
        assertThat(sent.status()).as(sent.body().toString()).isBetween(200, 299);
        assertThat(sent.body().path("status").asText()).isEqualTo("accepted");
        assertThat(sent.body().path("jobId").asText()).isEqualTo(sent.jobId());
    }

    /** What the original's callback route reads: jobId, status, result (or output), processedAt, duration. */
    private static JsonNode assertCompletedAsTheOriginalReadsIt(CallbackReceiver.Received callback, String jobId) {
        assertThat(callback.answeredWith()).isEqualTo(200);
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        assertThat(callback.body().path("jobId").asText()).isEqualTo(jobId);
        assertThat(callback.body().path("processedAt").asText()).isNotBlank();
        assertThat(callback.body().path("duration").isNumber()).isTrue();
        assertThat(callback.body().path("result").isObject()).isTrue();
        return callback.body().path("result");
    }

    @Test
    void clone_repo_as_the_original_sends_it_is_acquired_and_called_back() {
        String jobId = OriginalApi.newJobId();

        assertAccepted(original.cloneRepo(jobId, receiver.url(), "user-1", repo.fileUrl(), null, "ghp_original_token"));

        JsonNode result = assertCompletedAsTheOriginalReadsIt(finalCallback(jobId), jobId);
        assertThat(result.path("commit").asText()).isEqualTo(repo.head());
        assertThat(result.path("branch").asText()).isEqualTo("main");
        assertThat(result.path("files").asInt()).isEqualTo(2);
        assertThat(receiver.receivedFor(jobId).toString()).doesNotContain("ghp_original_token");
    }

    @Test
    void import_repo_as_the_original_sends_it_runs_process_with_repo() {
        String jobId = OriginalApi.newJobId();

        assertAccepted(original.importRepo(jobId, receiver.url(), "user-1", repo.fileUrl(), null));

        JsonNode result = assertCompletedAsTheOriginalReadsIt(finalCallback(jobId), jobId);
        assertThat(result.path("pipeline").toString())
                .isEqualTo("[\"acquire\",\"build-assets\",\"compute-embeddings\",\"enrich-data\"]");
        assertThat(result.path("steps").path("build-assets").path("posts").asInt())
                .isEqualTo(2);
    }

    @Test
    void deploy_repo_as_the_original_sends_it_publishes_the_branch_head_to_the_project() {
        String jobId = OriginalApi.newJobId();

        assertAccepted(original.deployRepo(
                jobId, receiver.url(), OriginalApi.Deploy.of("user-1", "project-1", repo.fileUrl())));

        JsonNode result = assertCompletedAsTheOriginalReadsIt(finalCallback(jobId), jobId);
        assertThat(result.path("steps").path("acquire").path("commit").asText()).isEqualTo(repo.head());
        assertThat(result.path("steps").path("publish").path("location").asText())
                .isEqualTo("projects/project-1/" + jobId);
        assertThat(result.path("steps").path("publish").path("active").asBoolean())
                .isTrue();
        assertThat(temp.resolve("artifacts/projects/project-1").resolve(jobId).resolve("posts.json"))
                .isRegularFile();
    }

    @Test
    void a_deploy_pinned_to_a_short_sha_is_refused_naming_commit_and_a_wrong_bearer_is_refused() {
        OriginalApi.Sent shortSha = original.deployRepo(
                OriginalApi.newJobId(),
                receiver.url(),
                OriginalApi.Deploy.of("user-1", "project-1", repo.fileUrl())
                        .withCommit(repo.head().substring(0, 7)));
        assertThat(shortSha.status()).isEqualTo(400);
        assertThat(shortSha.body().path("field").asText()).isEqualTo("data.commit");

        OriginalApi.Sent wrongSecret = OriginalApi.to("http://127.0.0.1:" + worker.port(), "not-the-secret")
                .cloneRepo(OriginalApi.newJobId(), receiver.url(), "user-1", repo.fileUrl(), null, null);
        assertThat(wrongSecret.status()).isIn(401, 403);
        assertThat(receiver.received()).isEmpty();
    }
}
