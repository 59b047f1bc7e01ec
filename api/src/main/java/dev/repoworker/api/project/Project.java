package dev.repoworker.api.project;

import java.time.Instant;
import java.util.List;

/**
 * A project: the settings its deploys are made from. {@code sealedSecrets} holds the Git token and the webhook
 * secrets, sealed with {@link #secretsBinding()}; nothing else of a project is secret. Every change bumps
 * {@code version}, and a store writes a change only over the version it was made from.
 */
public record Project(
        String id, Settings settings, String sealedSecrets, int version, Instant createdAt, Instant updatedAt) {

    /** A new project, before it is stored. */
    public static Project newProject(String id, Settings settings, String sealedSecrets, Instant now) {
        return new Project(id, settings, sealedSecrets, 1, now, now);
    }

    /** The next version of this project, with other settings and secrets. */
    public Project changed(Settings settings, String sealedSecrets, Instant now) {
        return new Project(id, settings, sealedSecrets, version + 1, createdAt, now);
    }

    /** The public settings, stored as JSON. */
    public record Settings(
            String repoUrl,
            String branch,
            String notePrefix,
            String mediaPrefix,
            String domain,
            String repositoryFolder,
            List<String> ignoreFiles,
            List<String> webhookUrls) {
        public Settings {
            ignoreFiles = ignoreFiles == null ? null : List.copyOf(ignoreFiles);
            webhookUrls = webhookUrls == null ? List.of() : List.copyOf(webhookUrls);
        }
    }

    /** What the secrets are sealed to, so a sealed blob copied to another project or to a job does not open. */
    public static String secretsBinding(String id) {
        return "project:" + id;
    }

    public String secretsBinding() {
        return secretsBinding(id);
    }
}
