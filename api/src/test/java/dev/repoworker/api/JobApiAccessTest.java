package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job API holds job inputs, results and artifacts rendered from private repositories: it answers only
 * whoever may see the dashboard. The Worker's callback is left to its own signature check.
 */
class JobApiAccessTest {

    private static final String TOKEN = "job-api-token-0123456789";
    private static final List<String> GUARDED = List.of(
            "/api/cloudrun/jobs",
            "/api/cloudrun/jobs?page=1",
            "/api/cloudrun/jobs/some-id",
            "/api/cloudrun/job/some-id",
            "/api/cloudrun/jobs/some-id/events",
            "/api/cloudrun/jobs/some-id/artifacts",
            "/api/cloudrun/jobs/some-id/artifacts/posts.json",
            "/api/cloudrun/jobs/some-id/search?q=x");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(TestApi api, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url(path)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void with_a_token_every_job_route_needs_it_and_answers_401_in_json_without_it() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of("DASHBOARD_TOKEN", TOKEN))) {
            for (String path : GUARDED) {
                for (String[] credentials :
                        List.of(new String[0], new String[] {"Authorization", "Bearer wrong-token-0123456789"})) {
                    HttpResponse<String> refused = send(api, "GET", path, null, credentials);
                    assertThat(refused.statusCode()).as(path).isEqualTo(401);
                    JsonNode error = Json.mapper().readTree(refused.body()).path("error");
                    assertThat(error.path("field").asText()).as(path).isEqualTo("Authorization");
                    assertThat(error.path("message").asText()).contains("DASHBOARD_TOKEN");
                }
            }
            String submit = Json.write(Map.of("task", "enrich-data", "data", Map.of("artifactsOf", "x")));
            assertThat(send(api, "POST", "/api/cloudrun/jobs", submit, "Content-Type", "application/json")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(send(api, "POST", "/api/cloudrun/jobs/some-id/cancel", "{}", "Content-Type", "application/json")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(send(api, "GET", "/api/cloudrun/jobs", null, "Authorization", "Bearer " + TOKEN)
                            .statusCode())
                    .isEqualTo(200);

            ApiClient client = new ApiClient(api.url(""), TOKEN);
            JsonNode created = client.submit("enrich-data", Map.of("artifactsOf", "x"));
            assertThat(client.get(created.path("id").asText()).path("id").asText())
                    .isEqualTo(created.path("id").asText());
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            new ApiClient(api.url("")).get(created.path("id").asText()))
                    .isInstanceOf(ApiClient.ApiError.class)
                    .hasMessageContaining("DASHBOARD_TOKEN");
        }
    }

    @Test
    void the_workers_callback_is_not_behind_the_token_but_behind_its_own_signature() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of("DASHBOARD_TOKEN", TOKEN))) {
            HttpResponse<String> unsigned = send(
                    api,
                    "POST",
                    "/api/cloudrun/callback",
                    "{\"jobId\":\"some-id\",\"status\":\"completed\"}",
                    "Content-Type",
                    "application/json");

            assertThat(unsigned.statusCode()).isEqualTo(401);
            assertThat(unsigned.body()).doesNotContain("DASHBOARD_TOKEN").contains("webhook");
        }
    }

    @Test
    void without_a_token_on_every_interface_only_direct_local_clients_reach_the_job_routes() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of())) {
            assertThat(send(api, "GET", "/api/cloudrun/jobs", null).statusCode())
                    .isEqualTo(200);
            for (String path : GUARDED) {
                HttpResponse<String> proxied = send(api, "GET", path, null, "X-Forwarded-For", "203.0.113.9");
                assertThat(proxied.statusCode()).as(path).isEqualTo(403);
                assertThat(Json.mapper()
                                .readTree(proxied.body())
                                .path("error")
                                .path("message")
                                .asText())
                        .contains("DASHBOARD_TOKEN");
            }
            assertThat(send(api, "GET", "/health", null, "X-Forwarded-For", "203.0.113.9")
                            .statusCode())
                    .isEqualTo(200);
        }
    }
}
