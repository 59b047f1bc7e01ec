package dev.repoworker.api.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Signed HTTP calls from the API to a Worker: process, status and cancel. */
public final class WorkerClient {

    private final HttpClient http;
    private final Signatures signatures;
    private final Duration timeout;

    public WorkerClient(Signatures signatures, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.signatures = signatures;
        this.timeout = timeout;
    }

    DispatchOutcome process(String workerUrl, ProcessRequest request) {
        HttpResponse<String> response;
        try {
            response = send(signed(workerUrl + "/process", "POST", Json.write(request)));
        } catch (IOException e) {
            return new DispatchOutcome.Unreachable(describe(e));
        }
        int status = response.statusCode();
        if (status == 200 || status == 202) {
            return new DispatchOutcome.Accepted();
        }
        if (status == 429 || status == 503) {
            return new DispatchOutcome.Busy(status, retryAfter(response));
        }
        if (status == 408 || status >= 500) {
            return new DispatchOutcome.Unreachable("worker answered " + status);
        }
        return new DispatchOutcome.Rejected(status, message(response));
    }

    WorkerJobState status(String workerUrl, String jobId) {
        HttpResponse<String> response;
        try {
            response = send(signed(workerUrl + "/jobs/" + jobId, "GET", ""));
        } catch (IOException e) {
            return WorkerJobState.unreachable(describe(e));
        }
        if (response.statusCode() == 404) {
            return WorkerJobState.notFound();
        }
        if (response.statusCode() != 200) {
            return WorkerJobState.unreachable("worker answered " + response.statusCode());
        }
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            JsonNode callback = body.path("callback");
            return new WorkerJobState(WorkerJobState.Kind.FOUND, body.path("state").asText(null),
                    body.hasNonNull("attempt") ? body.get("attempt").asInt() : null,
                    callback.isObject() ? Json.mapper().treeToValue(callback, Callback.class) : null, null);
        } catch (IOException | IllegalArgumentException e) {
            return WorkerJobState.unreachable("worker sent an unreadable job state: " + e.getMessage());
        }
    }

    /** Asks the Worker to stop a job; true when it took the request or did not know the job. */
    public boolean cancel(String workerUrl, String jobId) {
        try {
            int status = send(signed(workerUrl + "/jobs/" + jobId + "/cancel", "POST", "{}")).statusCode();
            return status < 300 || status == 404;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpRequest signed(String url, String method, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        signatures.headersFor(body).forEach(builder::header);
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Duration retryAfter(HttpResponse<String> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    private static String message(HttpResponse<String> response) {
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            if (body.hasNonNull("message")) {
                return body.get("message").asText();
            }
            if (body.path("error").hasNonNull("message")) {
                return body.path("error").get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through to the status line
        }
        return "worker answered " + response.statusCode();
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
