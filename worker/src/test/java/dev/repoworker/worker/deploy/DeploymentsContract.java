package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.ManualClock;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every deploy store keeps: files first, then a pointer that only moves forward, and nothing outside a project. */
abstract class DeploymentsContract {

    static final Instant T = Instant.parse("2026-06-01T10:00:00Z");
    static final String MEDIUM = "media/" + "ab".repeat(32) + "-800.webp";
    static final byte[] MEDIUM_BYTES = "RIFF-not-really-webp".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    /** A working store that keeps every deploy. */
    Deployments deployments() {
        return deployments(0, Clock.systemUTC());
    }

    /** A working store with the retention {@code DEPLOY_KEEP=keep}. */
    abstract Deployments deployments(int keep, Clock clock);

    /** A store that refuses every call (a missing bucket, a folder that cannot be written). */
    abstract Deployments broken();

    /** The object at {@code key}, relative to the store's root ({@code projects/…}). */
    abstract Optional<byte[]> read(String key) throws IOException;

    abstract String kind();

    /** Writes an object at {@code key} as something else than a deploy would (another Worker, a crashed one). */
    abstract void write(String key, byte[] bytes) throws IOException;

    /** Every key under {@code folder} ({@code projects/…/}), relative to the store's root. */
    abstract List<String> keys(String folder) throws IOException;

    /** True when media go once to the project's {@code _shared/medias/} and are reused by later deploys. */
    abstract boolean sharesMedia();

    /** False for S3Proxy 2.6.0, which accepts a PUT with a stale {@code If-Match}. */
    boolean honoursConditionalWrites() {
        return true;
    }

    static String newProject() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Path artifacts(String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("jobs").resolve(name + "-" + UUID.randomUUID()));
        Files.writeString(dir.resolve("posts.json"), "[\"" + name + "\"]");
        Files.createDirectories(dir.resolve("posts"));
        Files.writeString(dir.resolve("posts/hello.html"), "<p>" + name + "</p>");
        Files.createDirectories(dir.resolve("media"));
        Files.write(dir.resolve(MEDIUM), MEDIUM_BYTES);
        return dir;
    }

    Optional<String> text(String key) throws IOException {
        return read(key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    Optional<JsonNode> pointer(String project) throws IOException {
        Optional<byte[]> bytes = read("projects/" + project + "/active.json");
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Json.mapper().readTree(bytes.get()));
    }

    String activeJob(String project) throws IOException {
        return pointer(project).orElseThrow().path("jobId").asText();
    }

    /** The project's folders, as its keys show them (so never {@code active.json} itself). */
    Set<String> folders(String project) throws IOException {
        String folder = "projects/" + project + "/";
        return keys(folder).stream()
                .map(key -> key.substring(folder.length()))
                .filter(rest -> rest.contains("/"))
                .map(rest -> rest.substring(0, rest.indexOf('/')))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void a_deploy_publishes_its_files_then_becomes_active_and_reports_the_shared_contract() throws Exception {
        String project = newProject();
        Path dir = artifacts("job-1");

        PublishedDeploy deploy = deployments().publish(project, "job-1", dir, T, 3);

        Map<String, Object> shown = Json.mapper().convertValue(deploy, new TypeReference<Map<String, Object>>() {});
        assertThat(shown)
                .containsEntry("projectId", project)
                .containsEntry("jobId", "job-1")
                .containsEntry("location", "projects/" + project + "/job-1")
                .containsEntry("active", true)
                .containsEntry("activeJobId", "job-1")
                .containsEntry("requestedAt", T.toString())
                .containsEntry("store", kind());
        long bytes = Files.size(dir.resolve("posts.json"))
                + Files.size(dir.resolve("posts/hello.html"))
                + MEDIUM_BYTES.length;
        assertThat(shown.get("stats"))
                .isEqualTo(Map.of("pages", 3, "files", 3, "bytes", bytes, "mediaUploaded", 1, "mediaReused", 0));
        assertThat(text("projects/" + project + "/job-1/posts.json")).contains("[\"job-1\"]");
        assertThat(text("projects/" + project + "/job-1/posts/hello.html")).contains("<p>job-1</p>");
        assertThat(read("projects/" + project + "/job-1/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
        assertThat(Json.mapper()
                        .readTree(read("projects/" + project + "/job-1/manifest.json")
                                .orElseThrow())
                        .path("files")
                        .asInt())
                .isEqualTo(3);
        JsonNode pointer = pointer(project).orElseThrow();
        assertThat(pointer.path("jobId").asText()).isEqualTo("job-1");
        assertThat(pointer.path("requestedAt").asText()).isEqualTo(T.toString());
        assertThat(pointer.path("location").asText()).isEqualTo("projects/" + project + "/job-1");
    }

    @Test
    void the_pointer_only_moves_forward_and_an_older_deploy_is_published_but_not_active() throws Exception {
        String project = newProject();

        assertThat(deployments().publish(project, "b", artifacts("b"), T, 1).active())
                .isTrue();
        PublishedDeploy older = deployments().publish(project, "a", artifacts("a"), T.minusSeconds(60), 1);
        assertThat(older.active()).isFalse();
        assertThat(older.activeJobId()).isEqualTo("b");
        assertThat(activeJob(project)).isEqualTo("b");
        assertThat(text("projects/" + project + "/a/posts.json")).contains("[\"a\"]");
        assertThat(read("projects/" + project + "/a/manifest.json")).isPresent();

        assertThat(deployments()
                        .publish(project, "c", artifacts("c"), T.plusSeconds(60), 1)
                        .active())
                .isTrue();
        assertThat(activeJob(project)).isEqualTo("c");
    }

    @Test
    void deploys_requested_in_the_same_instant_are_ordered_by_job_id() throws Exception {
        String project = newProject();

        assertThat(deployments().publish(project, "job-b", artifacts("b"), T, 1).active())
                .isTrue();
        PublishedDeploy lower = deployments().publish(project, "job-a", artifacts("a"), T, 1);
        PublishedDeploy higher = deployments().publish(project, "job-c", artifacts("c"), T, 1);

        assertThat(lower.active()).isFalse();
        assertThat(lower.activeJobId()).isEqualTo("job-b");
        assertThat(higher.active()).isTrue();
        assertThat(activeJob(project)).isEqualTo("job-c");
    }

    @Test
    void a_retried_deploy_of_the_same_job_replaces_its_files_and_stays_active() throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("first"), T, 1);
        Path again = artifacts("second");
        Files.delete(again.resolve("posts/hello.html"));

        PublishedDeploy retried = deployments().publish(project, "job-1", again, T, 1);

        assertThat(retried.active()).isTrue();
        assertThat(text("projects/" + project + "/job-1/posts.json")).contains("[\"second\"]");
        assertThat(read("projects/" + project + "/job-1/posts/hello.html")).isEmpty();
        assertThat(activeJob(project)).isEqualTo("job-1");
    }

    @Test
    void a_store_that_refuses_the_deploy_fails_it_and_the_pointer_stays_where_it_was() throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        Path dir = artifacts("job-2");

        assertThatThrownBy(() -> broken().publish(project, "job-2", dir, T.plusSeconds(60), 1))
                .isInstanceOfAny(TaskFailedException.class, IOException.class);

        assertThat(activeJob(project)).isEqualTo("job-1");
        assertThat(read("projects/" + project + "/job-2/manifest.json")).isEmpty();
    }

    @Test
    void ids_and_paths_that_would_leave_the_project_are_refused_and_nothing_is_written() throws Exception {
        String project = newProject();
        Path dir = artifacts("job-1");
        for (String badProject : List.of("..", "../x", "a/b", "", "x".repeat(129), "a\\b")) {
            assertThatThrownBy(() -> deployments().publish(badProject, "job-1", dir, T, 1))
                    .as(badProject)
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("projectId");
        }
        for (String badJob : List.of("..", "../x", "a/b", "", ".hidden", "_shared", "x".repeat(65))) {
            assertThatThrownBy(() -> deployments().publish(project, badJob, dir, T, 1))
                    .as(badJob)
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("job id");
        }
        Files.writeString(dir.resolve("a\\..\\..\\b.html"), "escape");

        assertThatThrownBy(() -> deployments().publish(project, "job-1", dir, T, 1))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("would leave the deploy's folder");
        assertThat(pointer(project)).isEmpty();
        assertThat(read("projects/" + project + "/job-1/posts.json")).isEmpty();
    }

    @Test
    void content_hashed_media_are_shared_by_the_deploys_of_a_project() throws Exception {
        String project = newProject();

        PublishedDeploy first = deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        PublishedDeploy second = deployments().publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

        assertThat(first.stats().mediaUploaded()).isEqualTo(1);
        assertThat(first.stats().mediaReused()).isZero();
        if (sharesMedia()) {
            assertThat(second.stats().mediaUploaded()).isZero();
            assertThat(second.stats().mediaReused()).isEqualTo(1);
            assertThat(read("projects/" + project + "/_shared/medias/" + MEDIUM.substring("media/".length())))
                    .get()
                    .isEqualTo(MEDIUM_BYTES);
        } else {
            assertThat(second.stats().mediaUploaded()).isEqualTo(1);
        }
        assertThat(read("projects/" + project + "/job-1/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
        assertThat(read("projects/" + project + "/job-2/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
    }

    @Test
    void concurrent_deploys_end_with_the_newest_request_active() throws Exception {
        assumeTrue(
                honoursConditionalWrites(),
                "this S3 server ignores If-Match on PUT (S3Proxy 2.6.0); "
                        + "MotoDeploymentsTest runs the race on a server that honours it");
        String project = newProject();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dirs.add(artifacts("job-" + i));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<PublishedDeploy>> runs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = (i * 7) % 12;
                runs.add(pool.submit(
                        () -> deployments().publish(project, "job-" + n, dirs.get(n), T.plusSeconds(n), 1)));
            }
            for (Future<PublishedDeploy> run : runs) {
                run.get();
            }
        }
        assertThat(activeJob(project)).isEqualTo("job-11");
    }

    @Test
    void keep_2_keeps_the_active_deploy_and_the_two_newest_and_deletes_the_older_ones() throws Exception {
        String project = newProject();
        ManualClock clock = ManualClock.fromNow();
        Deployments deployments = deployments(2, clock);

        assertThat(deployments
                        .publish(project, "job-a", artifacts("a"), T.plusSeconds(60), 1)
                        .stats()
                        .pruned())
                .isZero();
        List<PublishedDeploy> later = new ArrayList<>();
        for (String job : List.of("job-b", "job-c", "job-d")) {
            // manifests a second apart: some servers keep LastModified in whole seconds
            Thread.sleep(1_100);
            if (job.equals("job-d")) {
                // deploys published within the hour are kept whatever the count
                clock.advance(Duration.ofHours(2));
            }
            later.add(deployments.publish(project, job, artifacts(job), T, 1));
        }

        assertThat(later).extracting(d -> d.stats().pruned()).containsExactly(0, 0, 1);
        assertThat(later).extracting(PublishedDeploy::active).containsOnly(false);
        assertThat(folders(project)).isEqualTo(expectedFolders(Set.of("job-a", "job-c", "job-d")));
        assertThat(read("projects/" + project + "/job-b/manifest.json")).isEmpty();
        assertThat(read("projects/" + project + "/job-b/posts.json")).isEmpty();
        assertThat(activeJob(project)).isEqualTo("job-a");
        assertThat(pointer(project).orElseThrow().path("location").asText())
                .isEqualTo("projects/" + project + "/job-a");
        assertThat(text("projects/" + project + "/job-a/posts/hello.html")).contains("<p>a</p>");
        assertThat(read("projects/" + project + "/job-a/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
    }

    @Test
    void a_folder_without_a_manifest_is_kept_while_younger_than_an_hour_and_deleted_after() throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        Instant start = Instant.now();
        write("projects/" + project + "/crashed/posts.json", "[]".getBytes(StandardCharsets.UTF_8));
        // 3 s apart, so that the hour's end falls between them even on a server that keeps whole seconds
        Thread.sleep(3_000);
        write("projects/" + project + "/in-flight/posts.json", "[]".getBytes(StandardCharsets.UTF_8));
        ManualClock clock = ManualClock.at(start.plus(Duration.ofHours(1)).plusMillis(1_500));

        PublishedDeploy second =
                deployments(2, clock).publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

        assertThat(second.stats().pruned()).isEqualTo(1);
        assertThat(folders(project)).isEqualTo(expectedFolders(Set.of("job-1", "job-2", "in-flight")));
        assertThat(activeJob(project)).isEqualTo("job-2");
    }

    @Test
    void keep_0_deletes_nothing_and_the_result_has_no_pruning_numbers() throws Exception {
        String project = newProject();
        ManualClock clock = ManualClock.fromNow();
        write("projects/" + project + "/crashed/posts.json", "[]".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofDays(2));
        List<PublishedDeploy> deploys = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            deploys.add(deployments(0, clock).publish(project, "job-" + n, artifacts("job-" + n), T.plusSeconds(n), 1));
        }

        for (PublishedDeploy deploy : deploys) {
            assertThat(Json.mapper().convertValue(deploy.stats(), new TypeReference<Map<String, Object>>() {}))
                    .containsOnlyKeys("pages", "files", "bytes", "mediaUploaded", "mediaReused");
        }
        assertThat(folders(project)).isEqualTo(expectedFolders(Set.of("job-1", "job-2", "job-3", "job-4", "crashed")));
    }

    /** The folders a project holds besides its deploys: {@code _shared} on a store that shares media. */
    Set<String> expectedFolders(Set<String> deploys) {
        Set<String> expected = new TreeSet<>(deploys);
        if (sharesMedia()) {
            expected.add("_shared");
        }
        return expected;
    }
}
