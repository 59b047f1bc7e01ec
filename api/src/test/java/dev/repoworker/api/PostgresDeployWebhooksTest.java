package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.testkit.CallbackReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two API replicas on one PostgreSQL schema both sweep and send deployment webhooks: each one arrives once. */
class PostgresDeployWebhooksTest {

    @RegisterExtension
    static final SharedPostgres postgres = new SharedPostgres();

    @TempDir
    Path dir;

    @Test
    void two_replicas_deliver_each_deployment_webhook_once() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        env.put("ALLOW_PRIVATE_NETWORKS", "true");
        try (FakeWorker worker = new FakeWorker();
                CallbackReceiver hook = CallbackReceiver.verifying(DeployWebhooksTest.HOOK_SECRET)) {
            env.put("REPO_WORKER_API_URL", worker.url());
            try (TestApi first = TestApi.start(dir.resolve("a"), env);
                    TestApi second = TestApi.start(dir.resolve("b"), env)) {
                assertThat(first.post("/api/projects", DeployWebhooksTest.project("replicated", hook.url()))
                                .status())
                        .isEqualTo(201);
                List<TestApi> replicas = List.of(first, second);
                List<String> jobs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    jobs.add(DeployWebhooksTest.deploy(replicas.get(i % 2), "replicated"));
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                jobs.stream().allMatch(id -> first.status(id).equals("dispatched")));

                for (int i = 0; i < jobs.size(); i++) {
                    String id = jobs.get(i);
                    TestApi.Response answer = i % 3 == 0
                            ? replicas.get(i % 2)
                                    .signedCallback("{\"jobId\":\"" + id
                                            + "\",\"status\":\"failed\",\"error\":\"broken link\"}")
                            : replicas.get(i % 2).signedCallback(DeployWebhooksTest.completed(id, "replicated", true));
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                }

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> states(second).size() == 12
                                && states(second).stream().allMatch("delivered"::equals));
                Map<String, Long> perEvent = hook.received().stream()
                        .collect(Collectors.groupingBy(
                                r -> r.body().path("data").path("jobId").asText() + " "
                                        + r.body().path("type").asText(),
                                Collectors.counting()));
                assertThat(perEvent)
                        .hasSize(12)
                        .allSatisfy(
                                (event, count) -> assertThat(count).as(event).isEqualTo(1));
                assertThat(hook.received())
                        .allSatisfy(r -> assertThat(r.signatureValid()).contains(true));
                assertThat(hook.received())
                        .extracting(CallbackReceiver.Received::answeredWith)
                        .containsOnly(200);
                JsonNode fromFirst =
                        first.get("/api/projects/replicated/deploys").json().get("deploys");
                assertThat(fromFirst.findValuesAsText("jobId")).containsExactlyElementsOf(jobs.reversed());
                assertThat(fromFirst.findValuesAsText("attempts")).containsOnly("1");
            }
        }
    }

    private static List<String> states(TestApi api) {
        JsonNode deploys = api.get("/api/projects/replicated/deploys").json().get("deploys");
        return StreamSupport.stream(deploys.spliterator(), false)
                .flatMap(d -> d.path("webhooks").findValuesAsText("state").stream())
                .toList();
    }
}
