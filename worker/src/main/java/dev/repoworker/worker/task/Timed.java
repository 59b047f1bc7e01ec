package dev.repoworker.worker.task;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A result's fields followed by how long the work took: {@code {...section, durationMs}}. */
public record Timed<S>(@JsonUnwrapped S section, long durationMs) implements TaskResult {}
