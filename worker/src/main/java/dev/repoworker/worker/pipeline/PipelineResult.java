package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.task.TaskResult;
import dev.repoworker.worker.task.Timed;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's result: the steps it ran, the published {@code manifest} (absent when no step wrote artifacts), one
 * section per step with its own {@code durationMs}, and the whole run's {@code durationMs}.
 */
public record PipelineResult(
        List<String> pipeline, StoredArtifacts manifest, Map<String, Timed<Object>> steps, long durationMs)
        implements TaskResult {}
