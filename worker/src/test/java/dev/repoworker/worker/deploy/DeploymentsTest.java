package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.Json;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsTest {

    @TempDir
    Path root;

    private Path artifacts(String name) throws Exception {
        Path dir = Files.createDirectories(root.resolve("jobs").resolve(name));
        Files.writeString(dir.resolve("posts.json"), "[\"" + name + "\"]");
        return dir;
    }

    private String active(String project) throws Exception {
        return Json.mapper().readTree(root.resolve("store/projects").resolve(project).resolve("active.json").toFile()).path("jobId").asText();
    }

    @Test
    void the_active_pointer_only_moves_forward_in_request_order() throws Exception {
        Deployments deployments = new Deployments(root.resolve("store"));
        Instant t = Instant.parse("2026-06-01T10:00:00Z");

        assertThat(deployments.publish("p", "b", artifacts("b"), t).get("active")).isEqualTo(true);
        assertThat(deployments.publish("p", "a", artifacts("a"), t.minusSeconds(60)).get("active")).isEqualTo(false);
        assertThat(active("p")).isEqualTo("b");
        assertThat(deployments.publish("p", "c", artifacts("c"), t.plusSeconds(60)).get("active")).isEqualTo(true);
        assertThat(active("p")).isEqualTo("c");
        assertThat(root.resolve("store/projects/p/a/posts.json")).hasContent("[\"a\"]");
        assertThat(root.resolve("store/projects/p/a/manifest.json")).isRegularFile();
    }

    @Test
    void concurrent_deploys_end_with_the_newest_request_active() throws Exception {
        Deployments deployments = new Deployments(root.resolve("store"));
        Instant t = Instant.parse("2026-06-01T10:00:00Z");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int n = (i * 7) % 12;
            Path dir = artifacts("job-" + n);
            runs.add(pool.submit(() -> deployments.publish("q", "job-" + n, dir, t.plusSeconds(n))));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        pool.shutdown();
        assertThat(active("q")).isEqualTo("job-11");
    }

    @Test
    void project_ids_that_could_leave_the_store_are_refused() {
        Deployments deployments = new Deployments(root.resolve("store"));
        for (String bad : List.of("..", "../x", "a/b", "", "x".repeat(129))) {
            assertThatThrownBy(() -> deployments.publish(bad, "j", root, Instant.now())).isInstanceOf(TaskFailedException.class);
        }
    }
}
