package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.GitHubWebhookSender;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.testkit.TestRepos;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 18's whole path on the scaled-out layout: two Workers and two API replicas with no folder in common, one
 * PostgreSQL schema and one S3 bucket. A signed GitHub push reaches one replica, a Worker builds and publishes the
 * pushed commit to the bucket and moves the project's {@code active.json}, and the project's subscriber gets
 * {@code deployment.started} and {@code deployment.completed}, signed with its own secret, once each — whichever
 * replica swept them. A second push moves the pointer on.
 */
class PushToPublishTest {

    private static final String HOOK_SECRET = "github-push-secret";
    private static final String SUBSCRIBER_SECRET = Signatures.newSecret();
    private static final String SECRETS_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private static final String BUCKET = "sites";
    private static final String PREFIX = "published/";

    @TempDir
    Path tmp;

    private LocalCluster cluster;
    private String schema;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(FaultCluster.POSTGRES_URL, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void a_push_is_built_published_made_active_and_announced_across_replicas_that_share_no_disk() throws Exception {
        String databaseUrl = postgresSchema();
        cluster = new LocalCluster(tmp);
        S3Server s3 = cluster.add(S3Server.start(tmp.resolve("s3")).createBucket(BUCKET));
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n\nFirst words.\n"));
        Path bare = repo.bareCopy(tmp.resolve("served"), "notes.git");
        GitHttpServer git = cluster.add(GitHttpServer.start(tmp.resolve("served")));
        CallbackReceiver subscriber = cluster.add(CallbackReceiver.verifying(SUBSCRIBER_SECRET));
        Map<String, String> bucket = s3.environment(BUCKET, PREFIX);
        String workerUrls = cluster.worker("worker-a", bucket) + "," + cluster.worker("worker-b", bucket);
        Map<String, String> replicaEnv = new HashMap<>(bucket);
        replicaEnv.putAll(Map.of(
                "GITHUB_WEBHOOK_SECRET",
                HOOK_SECRET,
                "DATABASE_URL",
                databaseUrl,
                "DATABASE_USER",
                "postgres",
                "SECRETS_KEY",
                SECRETS_KEY));
        ApiHttp replicaOne = cluster.api("api-1", workerUrls, replicaEnv);
        ApiHttp replicaTwo = cluster.api("api-2", workerUrls, replicaEnv);
        GitHubWebhookSender github = new GitHubWebhookSender(replicaTwo.base() + "/api/github/webhook", HOOK_SECRET);

        HttpResponse<String> created = replicaOne.post(
                "/api/projects",
                Map.of(
                        "id",
                        "notes-site",
                        "repoUrl",
                        git.url("notes.git"),
                        "branch",
                        "main",
                        "webhooks",
                        List.of(Map.of("url", subscriber.url(), "secret", SUBSCRIBER_SECRET))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        String first = pushed(github, replicaOne, git, repo.head());
        assertThat(activePointer(s3).path("jobId").asText()).isEqualTo(first);
        announced(subscriber, first);

        String secondCommit =
                repo.write("index.md", "# Home\n\nSecond words.\n").commit("second");
        repo.git("push", "-q", bare.toString(), "HEAD:main");
        String second = pushed(github, replicaTwo, git, secondCommit);

        JsonNode pointer = activePointer(s3);
        assertThat(pointer.path("jobId").asText()).isEqualTo(second);
        assertThat(pointer.path("location").asText()).isEqualTo("projects/notes-site/" + second);
        announced(subscriber, second);
        for (ApiHttp replica : List.of(replicaOne, replicaTwo)) {
            JsonNode active = ApiHttp.json(replica.get("/api/projects/notes-site/deploys/active"));
            assertThat(active.path("jobId").asText()).isEqualTo(second);
            JsonNode deploys = ApiHttp.json(replica.get("/api/projects/notes-site/deploys"))
                    .path("deploys");
            assertThat(deploys.findValuesAsText("jobId")).containsExactly(second, first);
            assertThat(deploys.findValuesAsText("triggeredBy")).containsOnly("webhook");
            assertThat(deploys.get(0).path("commit").asText()).isEqualTo(secondCommit);
            assertThat(deploys.get(0).path("stats").path("pages").asInt()).isEqualTo(1);
        }
        assertThat(publishedText(s3, second)).contains("Second words").doesNotContain("First words");
        assertThat(publishedText(s3, first)).contains("First words");
    }

    /** Sends a signed push of {@code commit}, waits for its deploy job (read through {@code reader}) and returns its id. */
    private static String pushed(GitHubWebhookSender github, ApiHttp reader, GitHttpServer git, String commit)
            throws Exception {
        GitHubWebhookSender.Sent sent =
                github.send("push", GitHubWebhookSender.push(git.url("notes.git"), "refs/heads/main", commit));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String jobId = Json.mapper().readTree(sent.body()).path("jobId").asText();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> reader.job(jobId).path("status").asText().matches("completed|failed"));
        JsonNode job = reader.job(jobId);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        JsonNode publish = job.path("result").path("steps").path("publish");
        assertThat(publish.path("store").asText()).as(publish.toString()).isEqualTo("s3");
        assertThat(publish.path("active").asBoolean()).as(publish.toString()).isTrue();
        return jobId;
    }

    /** Started and completed for {@code jobId}, each exactly once, signed with the subscriber's secret, no secret inside. */
    private void announced(CallbackReceiver subscriber, String jobId) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> events(subscriber, jobId).contains("deployment.completed"));
        assertThat(events(subscriber, jobId)).containsExactlyInAnyOrder("deployment.started", "deployment.completed");
        assertThat(subscriber.received()).allSatisfy(r -> {
            assertThat(r.signatureValid()).contains(true);
            assertThat(r.rawBody())
                    .doesNotContain(SUBSCRIBER_SECRET)
                    .doesNotContain(cluster.workerSecret())
                    .doesNotContain("gitToken");
        });
        JsonNode completed = subscriber.received().stream()
                .filter(r -> r.body().path("data").path("jobId").asText().equals(jobId)
                        && r.body().path("type").asText().equals("deployment.completed"))
                .findFirst()
                .orElseThrow()
                .body();
        assertThat(completed.path("data").path("projectId").asText()).isEqualTo("notes-site");
    }

    private static List<String> events(CallbackReceiver subscriber, String jobId) {
        return subscriber.received().stream()
                .filter(r -> r.body().path("data").path("jobId").asText().equals(jobId))
                .map(r -> r.body().path("type").asText())
                .toList();
    }

    private String postgresSchema() {
        String name = "rw_push_publish_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(FaultCluster.POSTGRES_URL, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL at " + FaultCluster.POSTGRES_URL + " is not reachable (" + e.getMessage()
                    + "): the scaled-out push-to-publish test needs it");
        }
        schema = name;
        return FaultCluster.POSTGRES_URL + "?currentSchema=" + name;
    }

    private static S3Client bucket(S3Server s3) {
        return S3Clients.create(
                S3Settings.fromEnv(s3.environment(BUCKET, PREFIX)).orElseThrow());
    }

    private static JsonNode activePointer(S3Server s3) throws Exception {
        try (S3Client client = bucket(s3)) {
            return Json.mapper()
                    .readTree(client.getObjectAsBytes(
                                    b -> b.bucket(BUCKET).key(PREFIX + "projects/notes-site/active.json"))
                            .asUtf8String());
        }
    }

    /** Every post JSON of the deploy {@code jobId}, as published in the bucket. */
    private static String publishedText(S3Server s3, String jobId) {
        try (S3Client client = bucket(s3)) {
            StringBuilder text = new StringBuilder();
            client
                    .listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "projects/notes-site/" + jobId + "/"))
                    .contents()
                    .stream()
                    .filter(o -> o.key().endsWith(".json"))
                    .forEach(o -> text.append(
                            client.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key()))
                                    .asUtf8String()));
            return text.toString();
        }
    }
}
