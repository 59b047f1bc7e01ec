package dev.repoworker.worker.task;

import java.util.Map;

/** The small summary a task reports as the callback's {@code result}: counts, commit, timings. */
public record TaskResult(Map<String, Object> summary) {

    public TaskResult {
        summary = Map.copyOf(summary);
    }
}
