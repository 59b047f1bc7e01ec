package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint that receives callbacks on 127.0.0.1, checks their Standard Webhooks
 * signature, records them, and can be told to fail the first deliveries.
 */
public final class CallbackReceiver implements AutoCloseable {

    /**
     * One request as received; {@code signatureValid} is empty when no secret was given to check with,
     * {@code webhookId} null when the request had none.
     */
    private final AtomicInteger batches = new AtomicInteger();

    private volatile boolean refuseArrays;

    public record Received(
            JsonNode body, String rawBody, Optional<Boolean> signatureValid, int answeredWith, String webhookId) {
        public String status() {
            return body.path("status").asText();
        }
    }

    private final HttpServer server;
    private final Optional<Signatures> signatures;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private volatile int finalStatus = 200;

    private CallbackReceiver(Optional<Signatures> signatures) {
        this.signatures = signatures;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** A receiver that verifies signatures made with {@code secret}. */
    public static CallbackReceiver verifying(String secret) {
        return new CallbackReceiver(Optional.of(Signatures.of(List.of(secret))));
    }

    /** A receiver that records without verifying (for insecure development mode). */
    public static CallbackReceiver unverified() {
        return new CallbackReceiver(Optional.empty());
    }

    /** The first {@code count} requests are answered with {@code status}; later ones with the normal status. */
    public CallbackReceiver failFirst(int count, int status) {
        failuresLeft.set(count);
        failureStatus = status;
        return this;
    }

    /** Every request is answered with {@code status}. */
    public CallbackReceiver alwaysAnswer(int status) {
        finalStatus = status;
        return this;
    }

    /** Answers 400 to an array body, as the original API does: the sender must fall back to one callback per request. */
    public CallbackReceiver refuseArrays() {
        refuseArrays = true;
        return this;
    }

    /** How many array bodies (several callbacks in one request) arrived. */
    public int batches() {
        return batches.get();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/cloudrun/callback";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Final callbacks (completed or failed) that were answered with a 2xx. */
    public List<Received> acceptedFinals() {
        return received.stream()
                .filter(r -> r.answeredWith() / 100 == 2)
                .filter(r -> r.status().equals("completed") || r.status().equals("failed"))
                .toList();
    }

    public List<Received> receivedFor(String jobId) {
        return received.stream()
                .filter(r -> r.body().path("jobId").asText().equals(jobId))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Optional<Boolean> valid = signatures.map(s -> {
            try {
                s.verify(body, name -> exchange.getRequestHeaders().getFirst(name));
                return true;
            } catch (Signatures.SignatureException e) {
                return false;
            }
        });
        int status = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? failureStatus : finalStatus;
        if (valid.isPresent() && !valid.get()) {
            status = 401;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            json = Json.mapper().createObjectNode();
        }
        String webhookId = exchange.getRequestHeaders().getFirst(Signatures.ID_HEADER);
        byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
        if (json.isArray() && refuseArrays) {
            status = 400;
            batches.incrementAndGet();
        }
        if (json.isArray() && status == 200) {
            // the API's batched form: each callback recorded as if it came alone, one answer per callback
            List<Map<String, Object>> answers = new ArrayList<>();
            for (JsonNode item : json) {
                received.add(new Received(item, item.toString(), valid, status, webhookId));
                answers.add(Map.of("jobId", item.path("jobId").asText(), "status", "accepted"));
            }
            batches.incrementAndGet();
            answer = Json.write(answers).getBytes(StandardCharsets.UTF_8);
        } else {
            received.add(new Received(json, body, valid, status, webhookId));
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
