package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.MotoS3Server;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two real Workers, each with its own disk, deploy one project into one bucket at once (moto's S3, which honours
 * conditional writes): every deploy is published with the shared result shape, and the pointer names the latest request.
 * One of them prunes ({@code DEPLOY_KEEP=1}): deploys of the last hour are kept whatever the count, so none goes.
 */
class TwoWorkersDeployTest {

    private static final String SECRET = Signatures.newSecret();
    private static final String BUCKET = "sites";
    private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path temp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void deploys_from_two_workers_at_once_all_publish_and_the_latest_request_is_active() throws Exception {
        MotoS3Server.skipReason().ifPresent(Assumptions::abort);
        MotoS3Server s3 = MotoS3Server.start(temp.resolve("moto.log")).createBucket(BUCKET);
        toClose.add(s3);
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        // the first Worker keeps one deploy: its pruning, beside the other's deploys in flight, must delete none of
        // them
        List<SignedHttp> workers = List.of(worker(s3, "one", Map.of("DEPLOY_KEEP", "1")), worker(s3, "two", Map.of()));
        TestRepos.Repo repo = TestRepos.init(temp.resolve("vault"));
        repo.write("alpha.md", "# Alpha\n\nSee [[beta]].\n");
        repo.write("beta.md", "# Beta\n\nBack to [[alpha]].\n");
        repo.commit("notes");

        int deploys = 4;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(deploys)) {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int n = 0; n < deploys; n++) {
                int deploy = n;
                sent.add(threads.submit(() -> {
                    start.await();
                    return workers.get(deploy % 2)
                            .post(
                                    "/process",
                                    Map.of(
                                            "jobId",
                                            "deploy-" + deploy,
                                            "task",
                                            "deploy-repo",
                                            "callbackUrl",
                                            receiver.url(),
                                            "data",
                                            Map.of(
                                                    "repoUrl",
                                                    repo.fileUrl(),
                                                    "projectId",
                                                    "site",
                                                    "deployRequestedAt",
                                                    T.plusSeconds(deploy).toString())))
                            .statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> status : sent) {
                assertThat(status.get()).isEqualTo(202);
            }
        }

        List<JsonNode> publishes = new ArrayList<>();
        for (int n = 0; n < deploys; n++) {
            String jobId = "deploy-" + n;
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> receiver.receivedFor(jobId).stream()
                            .anyMatch(r -> !r.status().equals("running")));
            JsonNode body = receiver.receivedFor(jobId).stream()
                    .filter(r -> !r.status().equals("running"))
                    .findFirst()
                    .orElseThrow()
                    .body();
            assertThat(body.path("status").asText()).as(body.toString()).isEqualTo("completed");
            publishes.add(body.path("result").path("steps").path("publish"));
        }
        assertThat(publishes).allSatisfy(p -> {
            assertThat(p.path("store").asText()).isEqualTo("s3");
            assertThat(p.path("stats").path("pages").asInt()).isEqualTo(2);
            assertThat(p.path("stats").path("files").asInt()).isPositive();
        });
        for (int n = 0; n < deploys; n++) {
            JsonNode stats = publishes.get(n).path("stats");
            if (n % 2 == 0) {
                assertThat(stats.path("pruned").asInt(-1)).as(stats.toString()).isZero();
                assertThat(stats.path("sharedPruned").asInt(-1))
                        .as(stats.toString())
                        .isZero();
            } else {
                assertThat(stats.has("pruned")).as(stats.toString()).isFalse();
            }
        }
        assertThat(publishes.getLast().path("active").asBoolean()).isTrue();
        assertThat(publishes.getLast().path("requestedAt").asText())
                .isEqualTo(T.plusSeconds(deploys - 1).toString());
        S3Settings settings = S3Settings.fromEnv(s3.environment(BUCKET, "")).orElseThrow();
        try (S3Client client = S3Clients.create(settings)) {
            JsonNode pointer = Json.mapper()
                    .readTree(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("projects/site/active.json"))
                            .asByteArray());
            assertThat(pointer.path("jobId").asText()).isEqualTo("deploy-" + (deploys - 1));
            for (int n = 0; n < deploys; n++) {
                int deploy = n;
                assertThat(client.listObjectsV2(b ->
                                        b.bucket(BUCKET).prefix("projects/site/deploy-" + deploy + "/manifest.json"))
                                .keyCount())
                        .isEqualTo(1);
            }
        }
    }

    private SignedHttp worker(MotoS3Server s3, String name, Map<String, String> more) {
        Map<String, String> env = TestWorkers.env(SECRET, temp.resolve(name).resolve("tmp"));
        env.putAll(more);
        env.put("ARTIFACTS_DIR", temp.resolve(name).resolve("artifacts").toString());
        env.put("EMBEDDINGS_CACHE_DIR", temp.resolve(name).resolve("cache").toString());
        env.putAll(s3.environment(BUCKET, ""));
        WorkerApp app = TestWorkers.start(env);
        toClose.add(0, app::stop);
        return new SignedHttp(app.port(), SECRET);
    }
}
