package dev.repoworker.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small client of the API for the launcher's {@code submit} and {@code status} commands. */
public final class ApiClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    /** @param baseUrl e.g. {@code http://localhost:3000} */
    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Submits a job; returns the job as the API shows it ({@code id}, {@code status}, …). */
    public JsonNode submit(String task, Map<String, Object> data) throws IOException {
        return submit(task, data, null);
    }

    /** Submits a job that belongs to {@code projectId} (null for none). */
    public JsonNode submit(String task, Map<String, Object> data, String projectId) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task", task);
        body.put("data", data);
        if (projectId != null) {
            body.put("projectId", projectId);
        }
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/cloudrun/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    /** The job with its events. */
    public JsonNode get(String jobId) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/cloudrun/jobs/" + jobId)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body = Json.mapper().readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiError(response.statusCode(), body.path("error").path("message").asText(response.body()),
                    body.path("error").path("field").asText(null));
        }
        return body;
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
