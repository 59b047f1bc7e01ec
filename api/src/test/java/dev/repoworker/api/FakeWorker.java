package dev.repoworker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small real HTTP server playing the Worker: it verifies the Standard Webhooks signature of every
 * request and answers with the next scripted reply (the last one repeats).
 */
final class FakeWorker implements AutoCloseable {

    /** A scripted answer. */
    record Reply(int status, String body, Map<String, String> headers) {
        static Reply accepted() {
            return new Reply(202, "{\"status\":\"accepted\"}", Map.of());
        }

        static Reply of(int status, String body) {
            return new Reply(status, body, Map.of());
        }
    }

    /** One verified request. */
    record Received(String method, String path, JsonNode body, long atNanos) {}

    private final HttpServer server;
    private final Signatures signatures = Signatures.of(List.of(TestApi.SECRET));
    private final ConcurrentLinkedQueue<Reply> processReplies = new ConcurrentLinkedQueue<>();
    private volatile Reply lastProcessReply = Reply.accepted();
    private volatile Consumer<JsonNode> beforeProcessReply = job -> {};
    private volatile Function<String, Reply> jobStateReply =
            id -> Reply.of(404, "{\"status\":\"error\",\"message\":\"unknown job\"}");
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<String> unsigned = new CopyOnWriteArrayList<>();

    FakeWorker() throws IOException {
        this(0);
    }

    FakeWorker(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeWorker replyToProcess(Reply... replies) {
        processReplies.addAll(List.of(replies));
        return this;
    }

    /** Runs {@code hook} on every {@code /process} job (one call per job of a batch) before the reply goes out. */
    FakeWorker beforeProcessReply(Consumer<JsonNode> hook) {
        this.beforeProcessReply = hook;
        return this;
    }

    FakeWorker replyToJobState(Function<String, Reply> reply) {
        this.jobStateReply = reply;
        return this;
    }

    List<Received> processRequests() {
        return received.stream().filter(r -> r.path().equals("/process")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        try {
            signatures.verify(body, name -> exchange.getRequestHeaders().getFirst(name));
        } catch (Signatures.SignatureException e) {
            unsigned.add(path);
            respond(exchange, Reply.of(401, "{\"status\":\"error\",\"message\":\"" + e.getMessage() + "\"}"));
            return;
        }
        JsonNode parsed = body.isEmpty() ? null : Json.mapper().readTree(body);
        if (path.equals("/process") && parsed != null && parsed.isArray()) {
            // the batched form: one recorded request and one reply per job, answered as an array
            List<Map<String, Object>> answers = new ArrayList<>();
            for (JsonNode item : parsed) {
                received.add(new Received(exchange.getRequestMethod(), path, item, System.nanoTime()));
                beforeProcessReply.accept(item);
                Reply reply = nextProcessReply();
                answers.add(
                        reply.status() == 202
                                ? Map.of("jobId", item.path("jobId").asText(), "status", "accepted")
                                : Map.of(
                                        "jobId",
                                        item.path("jobId").asText(),
                                        "status",
                                        "error",
                                        "code",
                                        reply.status(),
                                        "message",
                                        reply.body()));
            }
            respond(exchange, Reply.of(200, Json.write(answers)));
            return;
        }
        received.add(new Received(exchange.getRequestMethod(), path, parsed, System.nanoTime()));
        if (path.equals("/process")) {
            beforeProcessReply.accept(parsed);
            respond(exchange, nextProcessReply());
        } else if (path.startsWith("/jobs/") && path.endsWith("/cancel")) {
            respond(exchange, Reply.of(202, "{\"status\":\"cancelling\"}"));
        } else if (path.startsWith("/jobs/")) {
            respond(exchange, jobStateReply.apply(path.substring("/jobs/".length())));
        } else {
            respond(exchange, Reply.of(404, "{}"));
        }
    }

    private Reply nextProcessReply() {
        Reply next = processReplies.poll();
        if (next != null) {
            lastProcessReply = next;
        }
        return next != null ? next : lastProcessReply;
    }

    private static void respond(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
