package dev.repoworker.api;

import dev.repoworker.api.project.Project;
import java.time.Instant;
import java.util.List;

/** A project as the API answers it: every secret shown only as {@code "[set]"}, never its value. */
record ProjectView(
        String id,
        String repoUrl,
        String branch,
        String notePrefix,
        String mediaPrefix,
        String domain,
        String repositoryFolder,
        List<String> ignoreFiles,
        String gitToken,
        List<Webhook> webhooks,
        Instant createdAt,
        Instant updatedAt) {

    static final String SET = "[set]";

    record Webhook(String url, String secret) {}

    static ProjectView of(Project project, ProjectSecrets secrets) {
        Project.Settings s = project.settings();
        List<Webhook> webhooks = s.webhookUrls().stream()
                .map(url -> new Webhook(url, secrets.webhookSecrets().containsKey(url) ? SET : null))
                .toList();
        return new ProjectView(
                project.id(),
                s.repoUrl(),
                s.branch(),
                s.notePrefix(),
                s.mediaPrefix(),
                s.domain(),
                s.repositoryFolder(),
                s.ignoreFiles(),
                secrets.gitToken() != null ? SET : null,
                webhooks,
                project.createdAt(),
                project.updatedAt());
    }
}
