package dev.repoworker.api;

import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.project.Project;
import java.util.LinkedHashMap;
import java.util.Map;

/** A project's Git token and its webhooks' secrets (by URL), as they are sealed together. */
record ProjectSecrets(String gitToken, Map<String, String> webhookSecrets) {

    static final ProjectSecrets NONE = new ProjectSecrets(null, Map.of());

    ProjectSecrets {
        webhookSecrets = Map.copyOf(webhookSecrets);
    }

    @SuppressWarnings("unchecked")
    static ProjectSecrets open(SecretBox box, Project project) {
        Map<String, Object> open = box.open(project.secretsBinding(), project.sealedSecrets());
        Object hooks = open.get("webhookSecrets");
        return new ProjectSecrets(
                (String) open.get("gitToken"), hooks instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of());
    }

    String seal(SecretBox box, String projectId) {
        Map<String, Object> secrets = new LinkedHashMap<>();
        if (gitToken != null) {
            secrets.put("gitToken", gitToken);
        }
        if (!webhookSecrets.isEmpty()) {
            secrets.put("webhookSecrets", webhookSecrets);
        }
        return box.seal(Project.secretsBinding(projectId), secrets);
    }
}
