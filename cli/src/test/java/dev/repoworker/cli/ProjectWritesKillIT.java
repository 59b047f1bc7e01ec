package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Project writes survive {@code kill -9}: the launcher's {@code api} is killed (SIGKILL) while clients create and
 * PATCH projects, started again on the same store, and every create answered 201 and every PATCH answered 200 is
 * there — each project at the last acknowledged version or, if a PATCH was in flight at the kill, the one after.
 */
class ProjectWritesKillIT {

    private static final String SECRET = "project-kill-secret";
    private static final int WRITERS = 4;
    private static final int PATCHES_PER_PROJECT = 3;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 120;

    @TempDir
    Path tmp;

    @Test
    void acknowledged_project_writes_survive_a_kill_on_the_embedded_store() throws Exception {
        Map<String, String> env =
                new HashMap<>(Map.of("DATA_DIR", tmp.resolve("data").toString()));
        killMidWritesAndAudit(env);
    }

    @Test
    void acknowledged_project_writes_survive_a_kill_on_postgresql() throws Exception {
        String schema = "rw_project_kill_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(FaultCluster.POSTGRES_URL, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + FaultCluster.POSTGRES_URL + ": " + e.getMessage());
        }
        try {
            killMidWritesAndAudit(new HashMap<>(Map.of(
                    "DATA_DIR",
                    tmp.resolve("data").toString(),
                    "DATABASE_URL",
                    FaultCluster.POSTGRES_URL + "?currentSchema=" + schema,
                    "DATABASE_USER",
                    "postgres")));
        } finally {
            try (Connection c = DriverManager.getConnection(FaultCluster.POSTGRES_URL, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void killMidWritesAndAudit(Map<String, String> env) throws Exception {
        int port = FaultCluster.freePort();
        env.putAll(Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1", "WORKER_SECRET", SECRET));
        String base = "http://127.0.0.1:" + port;
        Process api = startApi(env, base, "api-1");
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> write(base, writer, acknowledged, stop)));
        }
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() ->
                            acknowledged.values().stream().mapToInt(v -> v + 1).sum() >= ACKNOWLEDGED_BEFORE_KILL);
            api.destroyForcibly();
            assertThat(api.waitFor(20, TimeUnit.SECONDS))
                    .as("the API died of SIGKILL")
                    .isTrue();
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(20_000);
            }
        }
        Map<String, Integer> acked = Map.copyOf(acknowledged);

        Process again = startApi(env, base, "api-2");
        try {
            Map<String, Integer> found = stored(base);
            for (Map.Entry<String, Integer> write : acked.entrySet()) {
                assertThat(found).as("acknowledged project %s", write.getKey()).containsKey(write.getKey());
                assertThat(found.get(write.getKey()))
                        .as("version of %s (last acknowledged %d)", write.getKey(), write.getValue())
                        .isBetween(write.getValue(), write.getValue() + 1);
            }
            System.out.println("project writes killed mid-burst on "
                    + (env.containsKey("DATABASE_URL") ? "PostgreSQL" : "SQLite") + ": "
                    + acked.size() + " projects, "
                    + acked.values().stream().mapToInt(v -> v + 1).sum()
                    + " acknowledged writes, all found after the restart");
        } finally {
            again.destroyForcibly();
            again.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process startApi(Map<String, String> env, String base, String log) throws Exception {
        Process api = Launcher.start(env, tmp.resolve(log + ".log"), "api");
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
        return api;
    }

    /**
     * One writer's projects, one after another: a create ({@code notePrefix /v0}) then PATCHes to {@code /v1} … each
     * acknowledged version recorded as it is answered. Stops at the first failure (the kill).
     */
    private static void write(String base, int writer, Map<String, Integer> acknowledged, AtomicBoolean stop) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            for (int i = 0; !stop.get(); i++) {
                String id = "kill-" + writer + "-" + i;
                if (send(
                                http,
                                "POST",
                                base + "/api/projects",
                                Map.of("id", id, "repoUrl", "https://github.com/acme/" + id, "notePrefix", "/v0"))
                        != 201) {
                    return;
                }
                acknowledged.put(id, 0);
                for (int v = 1; v <= PATCHES_PER_PROJECT && !stop.get(); v++) {
                    if (send(http, "PATCH", base + "/api/projects/" + id, Map.of("notePrefix", "/v" + v)) != 200) {
                        return;
                    }
                    acknowledged.put(id, v);
                }
            }
        } catch (Exception e) {
            // the kill: the write in flight is not acknowledged
        }
    }

    private static int send(HttpClient http, String method, String url, Map<String, Object> body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Every stored project's version, read from its {@code notePrefix} ({@code /v2} → 2). */
    private static Map<String, Integer> stored(String base) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/projects"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Integer> versions = new HashMap<>();
        for (JsonNode project : Json.mapper().readTree(response.body()).path("projects")) {
            versions.put(
                    project.path("id").asText(),
                    Integer.parseInt(project.path("notePrefix").asText().substring(2)));
        }
        return versions;
    }
}
