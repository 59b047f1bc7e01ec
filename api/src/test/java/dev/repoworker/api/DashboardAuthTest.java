package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.api.dashboard.DashboardAuth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who sees the dashboard and the API's /metrics: DASHBOARD_TOKEN, or local clients when there is none. */
class DashboardAuthTest {

    private static final String TOKEN = "dashboard-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(TestApi api, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url(path)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_token_matches_only_exactly_through_the_constant_time_comparison() {
        DashboardAuth auth = new DashboardAuth(TOKEN, false);
        assertThat(auth.matches(TOKEN)).isTrue();
        assertThat(auth.matches("x" + TOKEN.substring(1))).isFalse();
        assertThat(auth.matches(TOKEN.substring(0, TOKEN.length() - 1) + "x")).isFalse();
        assertThat(auth.matches(TOKEN + "0")).isFalse();
        assertThat(auth.matches(TOKEN.substring(1))).isFalse();
        assertThat(auth.matches("")).isFalse();
        assertThat(auth.matches(null)).isFalse();
        DashboardAuth noToken = new DashboardAuth(null, false);
        assertThat(noToken.matches("")).isFalse();
        assertThat(noToken.matches(TOKEN)).isFalse();
    }

    @Test
    void with_a_token_pages_and_metrics_need_it_as_cookie_or_bearer() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of("DASHBOARD_TOKEN", TOKEN))) {
            HttpResponse<String> anonymousPage = get(api, "/", "Accept", "text/html");
            HttpResponse<String> anonymousMetrics = get(api, "/metrics");
            HttpResponse<String> wrongBearer = get(api, "/metrics", "Authorization", "Bearer not-the-token-at-all");
            HttpResponse<String> bearer = get(api, "/metrics", "Authorization", "Bearer " + TOKEN);
            HttpResponse<String> viaQuery = get(api, "/?token=" + TOKEN);
            String cookie =
                    viaQuery.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            HttpResponse<String> withCookie = get(api, "/", "Cookie", cookie);
            HttpResponse<String> loginForm = get(api, "/login");

            assertThat(anonymousPage.statusCode()).isEqualTo(303);
            assertThat(anonymousPage.headers().firstValue("Location")).hasValue("/login?next=%2F");
            assertThat(anonymousMetrics.statusCode()).isEqualTo(401);
            assertThat(wrongBearer.statusCode()).isEqualTo(401);
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).contains("repoworker_api_jobs_in_state");
            assertThat(viaQuery.statusCode()).isEqualTo(303);
            assertThat(viaQuery.headers().firstValue("Location")).hasValue("/");
            assertThat(viaQuery.headers().firstValue("Set-Cookie").orElseThrow())
                    .contains("HttpOnly")
                    .contains("SameSite=Strict")
                    .doesNotContain(TOKEN);
            assertThat(withCookie.statusCode()).isEqualTo(200);
            assertThat(withCookie.body()).contains("<title>Repo Worker</title>");
            assertThat(withCookie
                            .headers()
                            .firstValue("Content-Security-Policy")
                            .orElseThrow())
                    .contains("script-src 'self'");
            assertThat(loginForm.statusCode()).isEqualTo(200);
            assertThat(loginForm.body()).contains("name=\"token\"");
        }
    }

    @Test
    void the_login_form_sets_the_cookie_only_for_the_right_token() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of("DASHBOARD_TOKEN", TOKEN))) {
            HttpResponse<String> wrong = http.send(
                    HttpRequest.newBuilder(URI.create(api.url("/login")))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("token=nope&next=%2Fjobs%2Fx"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> right = http.send(
                    HttpRequest.newBuilder(URI.create(api.url("/login")))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN + "&next=%2F%2Fevil.example"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(right.statusCode()).isEqualTo(303);
            assertThat(right.headers().firstValue("Location")).hasValue("/");
            assertThat(right.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("rw_dashboard=");
        }
    }

    @Test
    void without_a_token_on_every_interface_only_direct_local_clients_get_in() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of())) {
            assertThat(get(api, "/").statusCode()).isEqualTo(200);
            assertThat(get(api, "/jobs/some-id").statusCode()).isEqualTo(200);
            assertThat(get(api, "/metrics").statusCode()).isEqualTo(200);
            HttpResponse<String> proxied = get(api, "/", "X-Forwarded-For", "203.0.113.9");
            assertThat(proxied.statusCode()).isEqualTo(403);
            assertThat(proxied.body()).contains("DASHBOARD_TOKEN");
            assertThat(get(api, "/dashboard/app.js").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_login_with_a_body_that_is_not_the_form_is_refused_never_a_5xx() throws Exception {
        try (TestApi api = TestApi.start(dir, Map.of("DASHBOARD_TOKEN", TOKEN))) {
            for (String[] typeAndBody : new String[][] {
                {"multipart/form-data; boundary=x", "--x"},
                {
                    "multipart/form-data; boundary=x",
                    "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + TOKEN + "\r\n--x--\r\n"
                },
                {"application/json", "{\"token\":\"" + TOKEN + "\"}"},
                {"text/plain", "token=" + TOKEN},
                {"application/x-www-form-urlencoded", "token=%ff%fe&next=%00"}
            }) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(api.url("/login")))
                                .header("Content-Type", typeAndBody[0])
                                .POST(HttpRequest.BodyPublishers.ofString(typeAndBody[1]))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode())
                        .as(typeAndBody[0] + " " + typeAndBody[1])
                        .isEqualTo(401);
                assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
            }
        }
    }

    @Test
    void a_short_token_is_refused_at_start() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ApiConfig.fromEnv(TestApi.env(dir, Map.of("DASHBOARD_TOKEN", "short"))))
                .hasMessageContaining("DASHBOARD_TOKEN");
    }
}
