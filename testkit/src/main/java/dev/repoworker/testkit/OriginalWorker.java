package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.ConstantTime;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the original Node.js Worker ({@code packages/repo-build-worker}), as
 * {@code original-system.md} §2 specifies it: {@code POST /process} checks only {@code Authorization}
 * ({@code Bearer <WORKER_SECRET>} or the raw secret; missing → 401, wrong → 403), refuses a body without
 * {@code jobId}, {@code task} or {@code callbackUrl} (400 "Missing required fields: …"), answers 200
 * {@code {status:"accepted", jobId}}, then runs the job "in the background" and posts its callback with a plain
 * {@code fetch}: no signature, no auth header, no retry, the answer's status not checked. The callback carries
 * {@code logs} as objects {@code {type, jobId, timestamp, message}} and a {@code result} that spreads the job's
 * data, as every step of the original pipeline does (gitToken included).
 */
public final class OriginalWorker implements AutoCloseable {

    /** One request as it arrived: headers with lower-case names, and the body. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One callback the stand-in posted, with the API's answer. */
    public record Posted(String url, String body, int answeredWith) {}

    private final String secret;
    private final HttpServer server;
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Posted> posted = new CopyOnWriteArrayList<>();
    private volatile String outcome = "completed";

    private OriginalWorker(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** A stand-in whose {@code WORKER_SECRET} is {@code secret}. */
    public static OriginalWorker withSecret(String secret) {
        return new OriginalWorker(secret);
    }

    /** Jobs end with a failure callback ({@code status: "failed", error}) from now on. */
    public OriginalWorker failJobs() {
        outcome = "failed";
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Posted> posted() {
        return List.copyOf(posted);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(headers), body));
        if (path.equals("/health")) {
            respond(
                    exchange,
                    200,
                    Map.of("status", "healthy", "timestamp", Instant.now().toString()));
            return;
        }
        if (!path.equals("/process") || !exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 404, Map.of("status", "error", "message", "Not found"));
            return;
        }
        String authorization = headers.get("authorization");
        if (authorization == null) {
            respond(exchange, 401, Map.of("status", "error", "message", "Missing Authorization header"));
            return;
        }
        String given = authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
        if (!ConstantTime.equals(secret, given)) {
            respond(exchange, 403, Map.of("status", "error", "message", "Invalid authorization token"));
            return;
        }
        JsonNode job;
        try {
            job = Json.mapper().readTree(body);
        } catch (IOException e) {
            respond(exchange, 400, Map.of("status", "error", "message", "Invalid JSON"));
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String field : new String[] {"jobId", "task", "callbackUrl"}) {
            if (job == null
                    || !job.isObject()
                    || !job.hasNonNull(field)
                    || job.get(field).asText().isEmpty()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            respond(
                    exchange,
                    400,
                    Map.of("status", "error", "message", "Missing required fields: " + String.join(", ", missing)));
            return;
        }
        respond(
                exchange,
                200,
                Map.of("status", "accepted", "jobId", job.get("jobId").asText()));
        background.execute(() -> run(job));
    }

    /** The job "runs" and its outcome goes to callbackUrl as the original's plain fetch sends it. */
    private void run(JsonNode job) {
        String jobId = job.get("jobId").asText();
        long started = System.currentTimeMillis();
        ArrayNode logs = Json.mapper().createArrayNode();
        log(
                logs,
                jobId,
                "info",
                "Starting job " + jobId + " (" + job.get("task").asText() + ")");
        log(logs, jobId, "info", "Cloning repository");
        ObjectNode callback = Json.mapper().createObjectNode();
        callback.put("jobId", jobId);
        callback.put("status", outcome);
        if (outcome.equals("completed")) {
            log(logs, jobId, "info", "Job completed");
            ObjectNode result = job.path("data").isObject()
                    ? ((ObjectNode) job.get("data")).deepCopy()
                    : Json.mapper().createObjectNode();
            result.put("jobId", jobId);
            result.put("tempFolderPath", "/tmp/repo-" + jobId + "-" + started);
            result.putObject("repoInfo")
                    .put("path", "/tmp/repo-" + jobId + "-" + started)
                    .put("branch", "main")
                    .put("cloned", true);
            callback.set("result", result);
        } else {
            log(logs, jobId, "error", "Job failed: clone failed");
            callback.put("error", "clone failed");
        }
        callback.put("processedAt", Instant.now().toString());
        callback.put("duration", System.currentTimeMillis() - started);
        callback.set("logs", logs);
        String url = job.get("callbackUrl").asText();
        String body = Json.write(callback);
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            posted.add(new Posted(url, body, answer.statusCode()));
        } catch (IOException e) {
            posted.add(new Posted(url, body, -1)); // "CANNOT REACH BACK TO SERVER"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(ArrayNode logs, String jobId, String type, String message) {
        logs.addObject()
                .put("type", type)
                .put("jobId", jobId)
                .put("timestamp", Instant.now().toString())
                .put("message", message);
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        background.shutdownNow();
    }
}
