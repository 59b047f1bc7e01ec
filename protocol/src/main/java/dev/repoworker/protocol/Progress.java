package dev.repoworker.protocol;

/** One step of a running job: {@code done} of {@code total} units of {@code step}. */
public record Progress(String step, long done, long total, String message) {}
