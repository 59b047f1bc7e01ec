package dev.repoworker.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.deploy.ActivePointer;
import dev.repoworker.worker.deploy.DeployStore;
import dev.repoworker.worker.deploy.Deployments;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step that reads the published artifacts (a deploy) runs after they are published, and they are published once. */
class PipelinePublishOrderTest {

    @TempDir
    Path temp;

    private final List<String> events = new ArrayList<>();

    /** Records each publish; the manifest location counts them. */
    private final ArtifactStore store = new ArtifactStore() {
        @Override
        public String kind() {
            return "recording";
        }

        @Override
        public Path open(String jobId) {
            return temp;
        }

        @Override
        public StoredArtifacts publish(String jobId, Path directory) {
            events.add("publish");
            return new StoredArtifacts(kind(), "publish-" + events.size(), 1, 1);
        }

        @Override
        public void discard(String jobId) {
            events.add("discard");
        }
    };

    private PipelineStep<String> build() {
        return Steps.step("build-assets", data -> "", (context, state, request) -> {
            events.add("build");
            state.built(temp, 1);
            return Map.of();
        });
    }

    private PipelineStep<String> deploy() {
        return new PipelineStep<>() {
            @Override
            public String name() {
                return "publish";
            }

            @Override
            public Optional<String> parse(TaskData data) {
                return Optional.of("");
            }

            @Override
            public Object run(TaskContext context, PipelineState state, String request) {
                events.add("deploy sees "
                        + state.published().map(StoredArtifacts::manifest).orElse("nothing"));
                return Map.of();
            }

            @Override
            public boolean readsPublishedArtifacts() {
                return true;
            }
        };
    }

    /** Takes the deploy's files; records what it was told about the published artifacts. */
    private final DeployStore deploys = new DeployStore() {
        @Override
        public String kind() {
            return "recording";
        }

        @Override
        public StoredFiles publishFiles(
                String projectId,
                String jobId,
                Path artifacts,
                Manifest.Content content,
                Optional<StoredArtifacts> published) {
            events.add("deploy gets " + published.map(StoredArtifacts::manifest).orElse("nothing"));
            return new StoredFiles(content.files(), content.totalBytes(), 0, 0);
        }

        @Override
        public Optional<VersionedPointer> readPointer(String projectId) {
            return Optional.empty();
        }

        @Override
        public boolean replacePointer(String projectId, ActivePointer next, Optional<String> expected) {
            return true;
        }

        @Override
        public List<DeployFolder> folders(String projectId) {
            return List.of();
        }

        @Override
        public void deleteFolder(String projectId, String folder) {}

        @Override
        public int pruneSharedMedia(String projectId, Instant before) {
            return 0;
        }
    };

    private PipelineResult run(List<PipelineStep<?>> steps) throws Exception {
        Pipeline pipeline = new Pipeline(TaskType.DEPLOY_REPO, steps, store);
        TaskContext context = new TaskContext("job-1", Files.createDirectories(temp.resolve("ws")), progress -> {});
        return pipeline.run(context, parse(pipeline));
    }

    private static List<PipelineStep.Planned<?>> parse(Pipeline pipeline) throws InvalidTaskDataException {
        return pipeline.parse(new TaskData(Map.of("projectId", "site")));
    }

    @Test
    void deploy_repos_publish_step_hands_the_published_artifacts_to_the_deploy_store() throws Exception {
        Files.writeString(temp.resolve("posts.json"), "[]");

        run(List.of(build(), Steps.deploy(new Deployments(deploys))));

        assertThat(events).containsExactly("build", "publish", "deploy gets publish-2");
    }

    @Test
    void a_deploy_step_gets_the_artifacts_published_before_it_runs_and_they_are_not_published_again() throws Exception {
        PipelineResult result = run(List.of(build(), deploy()));

        assertThat(events).containsExactly("build", "publish", "deploy sees publish-2");
        assertThat(result.manifest().manifest()).isEqualTo("publish-2");
    }

    @Test
    void a_step_after_the_deploy_gets_the_artifacts_published_again_at_the_end() throws Exception {
        PipelineResult result = run(List.of(build(), deploy(), build()));

        assertThat(events).containsExactly("build", "publish", "deploy sees publish-2", "build", "publish");
        assertThat(result.manifest().manifest()).isEqualTo("publish-5");
    }

    @Test
    void without_a_deploy_step_the_artifacts_are_published_once_at_the_end() throws Exception {
        PipelineResult result = run(List.of(build()));

        assertThat(events).containsExactly("build", "publish");
        assertThat(result.manifest().manifest()).isEqualTo("publish-2");
    }
}
