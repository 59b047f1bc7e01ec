package dev.repoworker.api;

import dev.repoworker.api.project.Project;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of a project's create or PATCH, read and shape-checked; every complaint names its field. A field
 * that is absent keeps its current value, {@code null} clears it (the branch and media prefix back to defaults).
 */
record ProjectInput(Map<String, Object> body, String id) {

    private static final Pattern ID = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?");
    private static final String ID_RULE =
            "must be 1 to 100 lower-case letters, digits, - or _, starting and ending with a letter or digit";
    private static final Set<String> FIELDS = Set.of(
            "id",
            "repoUrl",
            "branch",
            "notePrefix",
            "mediaPrefix",
            "domain",
            "repositoryFolder",
            "ignoreFiles",
            "gitToken",
            "webhooks");
    private static final int MAX_TEXT = 2000;
    private static final int MAX_WEBHOOKS = 10;
    private static final int MAX_SECRET = 1000;

    static ProjectInput read(Map<String, Object> body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest(
                        field,
                        field + " is not a project field; use "
                                + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String id = Requests.textField(body, "id", 100);
        if (id != null && !ID.matcher(id).matches()) {
            throw ApiException.badRequest("id", "id " + ID_RULE);
        }
        return new ProjectInput(body, id);
    }

    /** A project id from a path: the same rule, so a path never reaches the database with anything else. */
    static String pathId(String id) {
        if (!ID.matcher(id).matches()) {
            throw ApiException.badRequest("id", "the project id in the path " + ID_RULE);
        }
        return id;
    }

    /** The settings: this body's fields over {@code current} (none when creating). */
    Project.Settings settings(Project.Settings current, String defaultBranch, String defaultMediaPrefix) {
        String repoUrl = text("repoUrl", current == null ? null : current.repoUrl());
        if (repoUrl == null) {
            throw ApiException.badRequest("repoUrl", "repoUrl is required");
        }
        String branch = text("branch", current == null ? null : current.branch());
        String mediaPrefix = text("mediaPrefix", current == null ? null : current.mediaPrefix());
        return new Project.Settings(
                repoUrl,
                branch == null ? defaultBranch : branch,
                text("notePrefix", current == null ? null : current.notePrefix()),
                mediaPrefix == null ? defaultMediaPrefix : mediaPrefix,
                text("domain", current == null ? null : current.domain()),
                text("repositoryFolder", current == null ? null : current.repositoryFolder()),
                body.containsKey("ignoreFiles") ? ignoreFiles() : current == null ? null : current.ignoreFiles(),
                body.containsKey("webhooks")
                        ? webhooks().keySet().stream().toList()
                        : current == null ? List.of() : current.webhookUrls());
    }

    /**
     * The secrets: this body's over {@code current}. A webhook given again without a secret keeps the one it had;
     * a new webhook needs one.
     */
    ProjectSecrets secrets(ProjectSecrets current) {
        String gitToken = body.containsKey("gitToken") ? secret(body.get("gitToken"), "gitToken") : current.gitToken();
        Map<String, String> webhookSecrets = current.webhookSecrets();
        if (body.containsKey("webhooks")) {
            webhookSecrets = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, String> hook : webhooks().entrySet()) {
                String secret = hook.getValue() != null
                        ? hook.getValue()
                        : current.webhookSecrets().get(hook.getKey());
                if (secret == null) {
                    throw ApiException.badRequest(
                            "webhooks[" + i + "].secret", "webhooks[" + i + "].secret is required for a new webhook");
                }
                webhookSecrets.put(hook.getKey(), secret);
                i++;
            }
        }
        return new ProjectSecrets(gitToken, webhookSecrets);
    }

    private String text(String field, String current) {
        if (!body.containsKey(field)) {
            return current;
        }
        return Requests.textField(body, field, MAX_TEXT);
    }

    private List<String> ignoreFiles() {
        Object value = body.get("ignoreFiles");
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw ApiException.badRequest("ignoreFiles", "ignoreFiles must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** Each webhook's URL and its secret (null when not given), in order. */
    private Map<String, String> webhooks() {
        Object value = body.get("webhooks");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest("webhooks", "webhooks must be a list of {url, secret}");
        }
        if (list.size() > MAX_WEBHOOKS) {
            throw ApiException.badRequest("webhooks", "a project has at most " + MAX_WEBHOOKS + " webhooks");
        }
        Map<String, String> hooks = new LinkedHashMap<>();
        List<Object> items = new ArrayList<>(list);
        for (int i = 0; i < items.size(); i++) {
            String field = "webhooks[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> hook)) {
                throw ApiException.badRequest(field, field + " must be an object {url, secret}");
            }
            for (Object key : hook.keySet()) {
                if (!"url".equals(key) && !"secret".equals(key)) {
                    throw ApiException.badRequest(field + "." + key, field + " takes only url and secret");
                }
            }
            String url = webhookUrl(hook.get("url"), field + ".url");
            if (hooks.containsKey(url)) {
                throw ApiException.badRequest(field + ".url", field + ".url is listed twice");
            }
            hooks.put(url, hook.get("secret") == null ? null : secret(hook.get("secret"), field + ".secret"));
        }
        return hooks;
    }

    private static String webhookUrl(Object value, String field) {
        if (!(value instanceof String text)
                || text.isBlank()
                || text.length() > MAX_TEXT
                || Requests.hasControlCharacters(text)) {
            throw ApiException.badRequest(field, field + " is required: an http or https URL");
        }
        try {
            URI uri = new URI(text.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getUserInfo() == null) {
                return uri.toString();
            }
        } catch (java.net.URISyntaxException ignored) {
            // answered below
        }
        throw ApiException.badRequest(field, field + " must be an http or https URL without user information");
    }

    private static String secret(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)
                || text.isBlank()
                || text.length() > MAX_SECRET
                || Requests.hasControlCharacters(text)) {
            throw ApiException.badRequest(
                    field,
                    field + " must be a non-empty string of at most " + MAX_SECRET
                            + " characters, without control characters");
        }
        return text;
    }
}
