package dev.repoworker.worker;

import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** Talks real HTTP to a Worker, signing like the API does. */
final class SignedHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final Signatures signatures;

    SignedHttp(int port, String secret) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.signatures = Signatures.of(List.of(secret));
    }

    HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        String json = body instanceof String s ? s : Json.write(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        signatures.headersFor(json).forEach(builder::header);
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with the signature headers given: a copy of an earlier request, as a replay would send it. */
    HttpResponse<String> post(String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        signatures.headersFor("").forEach(builder::header);
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> raw(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readValue(response.body(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    }
}
