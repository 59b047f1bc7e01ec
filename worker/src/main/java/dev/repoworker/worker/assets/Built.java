package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.repo.RepoSource;
import dev.repoworker.worker.task.TaskResult;

/**
 * build-assets' result: the build's counts, the published {@code manifest} (absent inside a pipeline, which publishes
 * once after its last step) and where the notes came from.
 */
public record Built(@JsonUnwrapped BuildReport report, StoredArtifacts manifest, RepoSource repository)
        implements TaskResult {}
