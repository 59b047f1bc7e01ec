package dev.repoworker.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts a real ApiApp on port 0 and talks to it over HTTP. */
final class TestApi implements AutoCloseable {

    static final String SECRET = "test-worker-secret";

    final ApiApp app;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestApi(ApiApp app) {
        this.app = app;
    }

    /** Fast loops, an H2 file in {@code dir}, the shared secret; {@code extra} overrides. */
    static Map<String, String> env(Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", dir.toString());
        env.put("DATABASE_URL", TestDatabases.sqliteUrl(dir));
        env.put("WORKER_SECRET", SECRET);
        env.put("DISPATCH_POLL", "50ms");
        env.put("RECONCILE_POLL", "200ms");
        env.put("DISPATCH_BACKOFF", "50ms");
        env.put("DISPATCH_BACKOFF_MAX", "200ms");
        env.put("WORKER_TIMEOUT", "2s");
        env.putAll(extra);
        return env;
    }

    static TestApi start(Path dir, Map<String, String> extra) {
        return new TestApi(ApiApp.start(ApiConfig.fromEnv(env(dir, extra))));
    }

    static TestApi start(ApiConfig config) {
        return new TestApi(ApiApp.start(config));
    }

    /** An API that checks task data with {@code rules}, as the launcher's API checks with the Worker's. */
    static TestApi start(ApiConfig config, dev.repoworker.protocol.TaskDataRules rules) {
        return new TestApi(ApiApp.start(config, ApiApp.lockStore(config), rules));
    }

    /** An API whose loops and stored times follow {@code clock} (signatures still check the real time). */
    static TestApi start(ApiConfig config, java.time.Clock clock) {
        return new TestApi(ApiApp.start(config, clock));
    }

    String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    Response get(String path) {
        return get(path, Map.of());
    }

    Response get(String path, Map<String, String> headers) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(url(path))).GET();
        headers.forEach(builder::header);
        return send(builder);
    }

    Response post(String path, String body) {
        return post(path, body, Map.of("Content-Type", "application/json"));
    }

    Response post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return send(builder);
    }

    /** A callback signed the Standard Webhooks way with {@link #SECRET}. */
    Response signedCallback(String body) {
        Map<String, String> headers =
                new HashMap<>(Signatures.of(List.of(SECRET)).headersFor(body));
        headers.put("Content-Type", "application/json");
        return post(ApiConfig.CALLBACK_PATH, body, headers);
    }

    String submit(String task, String dataJson) {
        Response r = post("/api/cloudrun/jobs", "{\"task\":\"" + task + "\",\"data\":" + dataJson + "}");
        if (r.status() != 202) {
            throw new AssertionError("submit answered " + r.status() + ": " + r.body());
        }
        return r.json().get("id").asText();
    }

    JsonNode job(String id) {
        return get("/api/cloudrun/jobs/" + id).json();
    }

    String status(String id) {
        return job(id).get("status").asText();
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r =
                    http.send(builder.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    r.statusCode(),
                    r.body(),
                    r.headers().firstValue("Content-Type").orElse(""),
                    r.headers());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }

    record Response(int status, String body, String contentType, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            return parse(body);
        }

        static JsonNode parse(String json) {
            try {
                return Json.mapper().readTree(json);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + json, e);
            }
        }
    }
}
