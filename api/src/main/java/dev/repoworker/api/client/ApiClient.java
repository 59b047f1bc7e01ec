package dev.repoworker.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A small client of the API for the launcher's {@code submit} and {@code status} commands. */
public final class ApiClient {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String token;

    /** @param baseUrl e.g. {@code http://localhost:3000} */
    public ApiClient(String baseUrl) {
        this(baseUrl, null);
    }

    /** @param token the API's {@code DASHBOARD_TOKEN}, sent as a bearer token; null for none */
    public ApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token == null || token.isBlank() ? null : token.strip();
    }

    /** The body of {@code POST /api/cloudrun/jobs}; a null {@code projectId} is left out. */
    private record Submission(String task, Map<String, Object> data, String projectId) {}

    /** Submits a job; returns the job as the API shows it ({@code id}, {@code status}, …). */
    public JsonNode submit(String task, Map<String, Object> data) throws IOException {
        return submit(task, data, null);
    }

    /** Submits a job that belongs to {@code projectId} (null for none). */
    public JsonNode submit(String task, Map<String, Object> data, String projectId) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/cloudrun/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(new Submission(task, data, projectId)))));
    }

    /** The job with its events. */
    public JsonNode get(String jobId) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/cloudrun/jobs/" + jobId))
                .GET());
    }

    /** One Server-Sent Event of a job's stream: {@code job}, {@code event} or {@code end}, with its JSON data. */
    public record StreamEvent(String name, String id, JsonNode data) {}

    /**
     * Follows {@code GET /api/cloudrun/jobs/{id}/events} until the server ends the stream (after the
     * job's final status), handing every event to {@code listener}. Blocks; an {@link ApiError} when
     * the API refuses the stream, an {@link IOException} when it breaks.
     *
     * @return the last {@code end} event, or null when the stream ended without one
     */
    public StreamEvent follow(String jobId, Consumer<StreamEvent> listener) throws IOException {
        HttpRequest request = authorized(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/api/cloudrun/jobs/" + jobId + "/events"))
                                .header("Accept", "text/event-stream")
                                .GET())
                .build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String body = String.join("\n", lines.toList());
                String message = body.isBlank() ? "HTTP " + response.statusCode() : body;
                try {
                    message = Json.mapper()
                            .readTree(body)
                            .path("error")
                            .path("message")
                            .asText(message);
                } catch (IOException e) {
                    // not JSON: keep the text
                }
                throw new ApiError(response.statusCode(), explained(response.statusCode(), message), null);
            }
            SseParser parser = new SseParser(listener);
            lines.forEach(parser::line);
            return parser.end;
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The text/event-stream format: fields until a blank line, then one event. */
    private static final class SseParser {
        private final Consumer<StreamEvent> listener;
        private String name = "message";
        private String id;
        private final StringBuilder data = new StringBuilder();
        private StreamEvent end;

        SseParser(Consumer<StreamEvent> listener) {
            this.listener = listener;
        }

        void line(String line) {
            if (line.isEmpty()) {
                dispatch();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
            }
        }

        private void dispatch() {
            if (data.length() > 0) {
                JsonNode json;
                try {
                    json = Json.mapper().readTree(data.toString());
                } catch (IOException e) {
                    json = Json.mapper().getNodeFactory().textNode(data.toString());
                }
                StreamEvent event = new StreamEvent(name, id, json);
                if ("end".equals(name)) {
                    end = event;
                }
                listener.accept(event);
            }
            name = "message";
            id = null;
            data.setLength(0);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(
                    authorized(request).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body = Json.mapper().readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiError(
                    response.statusCode(),
                    explained(
                            response.statusCode(),
                            body.path("error").path("message").asText(response.body())),
                    body.path("error").path("field").asText(null));
        }
        return body;
    }

    /** A refusal for want of the dashboard token says which variable carries it. */
    private String explained(int status, String message) {
        if (status == 401 || status == 403) {
            return message
                    + (token == null
                            ? " (set DASHBOARD_TOKEN to the API's dashboard token)"
                            : " (check DASHBOARD_TOKEN)");
        }
        return message;
    }

    /** The API refused a request; {@code field} names the culprit when known. */
    public static final class ApiError extends IOException {
        private final int status;
        private final String field;

        public ApiError(int status, String message, String field) {
            super(message);
            this.status = status;
            this.field = field;
        }

        public int status() {
            return status;
        }

        public String field() {
            return field;
        }
    }
}
