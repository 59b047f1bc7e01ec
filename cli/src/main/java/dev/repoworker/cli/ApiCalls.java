package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few calls {@code submit} and {@code status} make to a running API. */
final class ApiCalls {

    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The API's error message ({@code {"error":{"message":…}}}), or the raw body. */
        String error() {
            JsonNode message = body.path("error").path("message");
            String field = body.path("error").path("field").asText("");
            return (message.isMissingNode() ? body.toString() : message.asText()) + (field.isEmpty() ? "" : " (field " + field + ")");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    ApiCalls(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    Answer submit(String task, Map<String, Object> data, String projectId) throws IOException, InterruptedException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("task", task);
        body.put("data", data);
        if (projectId != null) {
            body.put("projectId", projectId);
        }
        return send(HttpRequest.newBuilder(base.resolve("api/cloudrun/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    Answer job(String id) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("api/cloudrun/jobs/" + id)).GET().build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            body = Json.mapper().createObjectNode().put("raw", response.body());
        }
        return new Answer(response.statusCode(), body);
    }
}
