package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A test's HTTP view of a running API. */
final class ApiHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    ApiHttp(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode job(String id) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/cloudrun/jobs/" + id))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    static long events(JsonNode job, String type) {
        long count = 0;
        for (JsonNode event : job.path("events")) {
            if (event.path("type").asText().equals(type)) {
                count++;
            }
        }
        return count;
    }

    static long events(JsonNode job, String type, String message) {
        long count = 0;
        for (JsonNode event : job.path("events")) {
            if (event.path("type").asText().equals(type)
                    && event.path("message").asText().equals(message)) {
                count++;
            }
        }
        return count;
    }
}
