package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSRF at submission: a repository URL every Worker would refuse is a 400 naming the field at once; what depends on
 * a Worker's configuration (hosts, private networks, file:) is left to the Worker.
 */
class SubmittedRepositoryUrlsTest {

    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    static Stream<Arguments> refusedEverywhere() {
        return Stream.of(
                Arguments.of("ftp://github.com/a/b", "http(s) or file"),
                Arguments.of("gopher://github.com/a/b", "http(s) or file"),
                Arguments.of("ssh://git@github.com/a/b", "http(s) or file"),
                Arguments.of("git://github.com/a/b", "http(s) or file"),
                Arguments.of("http://2130706433/a/b", "four decimal numbers"),
                Arguments.of("http://0177.0.0.1/a/b", "four decimal numbers"),
                Arguments.of("http://0x7f.1/a/b", "four decimal numbers"),
                Arguments.of("http://0x7f000001/a/b", "four decimal numbers"),
                Arguments.of("http://127.1/a/b", "four decimal numbers"),
                Arguments.of("https://github.com@evil.example.test/a/b", "credentials"),
                Arguments.of("https://user:s3cret-pass@github.com/a/b", "credentials"),
                Arguments.of("https://evil.example.test\\@github.com/a/b", "backslashes"));
    }

    /** (route, field it is read from, JSON body with the URL in that field). */
    private static Stream<String[]> submissions(String url) {
        return Stream.of(
                new String[] {
                    "/api/cloudrun/jobs",
                    "data.repoUrl",
                    Json.write(Map.of("task", "acquire-user-repo", "data", Map.of("repoUrl", url)))
                },
                new String[] {
                    "/api/cloudrun/jobs",
                    "data.repoUrl",
                    Json.write(Map.of("task", "process-with-repo", "data", Map.of("repoUrl", url)))
                },
                new String[] {
                    "/api/cloudrun/jobs",
                    "data.templateRepoUrl",
                    Json.write(Map.of(
                            "task",
                            "new-repo-from-template",
                            "data",
                            Map.of("templateRepoUrl", url, "newRepoName", "site")))
                },
                new String[] {"/api/cloudrun/import-repo", "data.sourceUrl", Json.write(Map.of("sourceUrl", url))},
                new String[] {
                    "/api/cloudrun/deploy-repo", "data.repoUrl", Json.write(Map.of("repoUrl", url, "projectId", "p1"))
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedEverywhere")
    void urls_no_worker_would_fetch_are_a_400_naming_the_field(String url, String problem) {
        int before = worker.processRequests().size();
        submissions(url).forEach(submission -> {
            TestApi.Response r = api.post(submission[0], submission[2]);

            assertThat(r.status()).as(submission[2]).isEqualTo(400);
            assertThat(r.json().get("error").get("field").asText()).isEqualTo(submission[1]);
            assertThat(r.json().get("error").get("message").asText()).contains(problem);
            assertThat(r.body()).doesNotContain("s3cret-pass");
        });
        assertThat(worker.processRequests()).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/a/b",
                "http://169.254.169.254/latest",
                "http://[::1]/a/b",
                "http://localhost/a/b",
                "file:///srv/notes",
                "https://github.com/a/b"
            })
    void what_depends_on_the_workers_configuration_is_left_to_the_worker(String url) {
        TestApi.Response r = api.post(
                "/api/cloudrun/jobs", Json.write(Map.of("task", "acquire-user-repo", "data", Map.of("repoUrl", url))));

        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
}
