package dev.repoworker.api.job;

/**
 * Which jobs a listing shows; a null field does not filter. {@code type} matches either the Worker task or the
 * task the client asked for ({@code import-repo} and {@code process-with-repo} both find an imported repository).
 */
public record JobFilter(JobStatus status, String type, String projectId) {}
