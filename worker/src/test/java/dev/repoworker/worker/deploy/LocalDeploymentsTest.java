package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.testkit.ManualClock;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The contract on the local disk ({@code ARTIFACT_STORE=local}): deploys under {@code ARTIFACTS_DIR/projects/}. */
class LocalDeploymentsTest extends DeploymentsContract {

    private Path root() {
        return temp.resolve("store");
    }

    @Override
    Deployments deployments(int keep, Clock clock) {
        return new Deployments(DeployStore.of(root(), Optional.empty()), keep, clock);
    }

    @Override
    Deployments broken() {
        try {
            // ARTIFACTS_DIR is a file: no folder can be made in it
            Path notAFolder = Files.writeString(temp.resolve("not-a-folder"), "x");
            return new Deployments(DeployStore.of(notAFolder, Optional.empty()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    Optional<byte[]> read(String key) throws IOException {
        Path file = root().resolve(key);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    String kind() {
        return "local";
    }

    @Override
    void write(String key, byte[] bytes) throws IOException {
        Path file = root().resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Override
    List<String> keys(String folder) throws IOException {
        Path start = root().resolve(folder);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> root().relativize(file).toString().replace('\\', '/'))
                    .toList();
        }
    }

    @Override
    boolean sharesMedia() {
        return false;
    }

    @Test
    void a_pointer_that_is_not_one_fails_the_deploy_naming_it_and_is_left_as_it_is() throws Exception {
        String project = newProject();
        Path pointer = Files.createDirectories(root().resolve("projects").resolve(project))
                .resolve("active.json");
        for (String garbage :
                List.of("not json", "{\"jobId\":\"x\"}", "{\"jobId\":\"x\",\"requestedAt\":\"yesterday\"}")) {
            Files.writeString(pointer, garbage);
            Path dir = artifacts("job-1");

            assertThatThrownBy(() -> deployments().publish(project, "job-1", dir, T, 1))
                    .as(garbage)
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("projects/" + project + "/active.json is not a pointer");
            assertThat(pointer).hasContent(garbage);
        }
    }

    @Test
    void what_a_deploy_stopped_midway_left_is_not_mixed_into_the_next_attempt() throws Exception {
        String project = newProject();
        Path leftover = Files.createDirectories(
                root().resolve("projects").resolve(project).resolve(".job-1.staging"));
        Files.writeString(leftover.resolve("stale.html"), "from a crashed attempt");

        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);

        assertThat(read("projects/" + project + "/job-1/stale.html")).isEmpty();
        assertThat(text("projects/" + project + "/job-1/posts.json")).contains("[\"job-1\"]");
    }

    @Test
    void pruning_deletes_staging_folders_older_than_an_hour_and_never_the_pointer_or_its_lock() throws Exception {
        String project = newProject();
        Path folder = root().resolve("projects").resolve(project);
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        Path old = Files.createDirectories(folder.resolve(".job-0.staging"));
        Files.writeString(old.resolve("posts.json"), "[]");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.createDirectories(folder.resolve(".job-9.staging"));
        Files.writeString(young.resolve("posts.json"), "[]");
        Files.writeString(young.resolve("manifest.json"), "{}");
        Files.setLastModifiedTime(young.resolve("manifest.json"), FileTime.from(T));
        // job-1 is two hours old by this clock; the young staging folder was written just now by it
        Instant later = Instant.now().plus(Duration.ofHours(2));
        Files.setLastModifiedTime(young, FileTime.from(later));

        PublishedDeploy second = deployments(1, ManualClock.at(later))
                .publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

        assertThat(second.stats().pruned()).isEqualTo(2);
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("job-2", ".job-9.staging", "active.json", ".lock");
        }
    }
}
