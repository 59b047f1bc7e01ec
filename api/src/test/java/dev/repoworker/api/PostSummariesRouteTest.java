package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/cloudrun/jobs/{id}/posts}: a job's posts.json without the posts' bodies, for the dashboard. */
class PostSummariesRouteTest {

    @TempDir
    static Path dir;

    static Path artifacts;
    static TestApi api;

    @BeforeAll
    static void start() {
        artifacts = dir.resolve("artifacts");
        api = TestApi.start(dir.resolve("data"), Map.of("ARTIFACTS_DIR", artifacts.toString()));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String jobWithPosts(String postsJson) throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/r\"}");
        if (postsJson != null) {
            Files.writeString(Files.createDirectories(artifacts.resolve(id)).resolve("posts.json"), postsJson);
        }
        return id;
    }

    @Test
    void each_post_is_summarised_without_its_html_or_plain_text() throws Exception {
        String id = jobWithPosts("""
                [{"slug":"garden","title":"Garden","path":"notes/Garden.md","url":"/garden","tags":["plants"],"links":["sky"],
                  "backlinks":[],"wordCount":120,"plain":"SECRET-PLAIN","html":"<h1>SECRET-HTML</h1>","toc":[{"id":"x"}]},
                 {"slug":"sky","title":"Sky","path":"Sky.md","url":"/sky","tags":[],"links":[],"backlinks":["garden"]}]
                """);

        TestApi.Response response = api.get("/api/cloudrun/jobs/" + id + "/posts");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("SECRET-PLAIN", "SECRET-HTML");
        JsonNode posts = response.json().get("posts");
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).get("slug").asText()).isEqualTo("garden");
        assertThat(posts.get(0).get("path").asText()).isEqualTo("notes/Garden.md");
        assertThat(posts.get(0).get("wordCount").asInt()).isEqualTo(120);
        assertThat(posts.get(0).get("tags").get(0).asText()).isEqualTo("plants");
        assertThat(posts.get(0).get("links").get(0).asText()).isEqualTo("sky");
        assertThat(posts.get(1).get("backlinks").get(0).asText()).isEqualTo("garden");
        assertThat(posts.get(1).has("wordCount")).isFalse();
    }

    @Test
    void a_job_without_posts_is_404_and_a_broken_posts_file_is_409_naming_it() throws Exception {
        String none = jobWithPosts(null);
        String broken = jobWithPosts("{\"not\":\"an array\"}");
        String cut = jobWithPosts("[{\"slug\":\"a\",\"html\":\"<p>");

        assertThat(api.get("/api/cloudrun/jobs/" + none + "/posts").status()).isEqualTo(404);
        assertThat(api.get("/api/cloudrun/jobs/" + none + "/posts").body()).contains("posts.json");
        for (String id : new String[] {broken, cut}) {
            TestApi.Response response = api.get("/api/cloudrun/jobs/" + id + "/posts");
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.body()).contains("posts.json");
        }
        assertThat(api.get("/api/cloudrun/jobs/no-such-job/posts").status()).isEqualTo(404);
    }
}
