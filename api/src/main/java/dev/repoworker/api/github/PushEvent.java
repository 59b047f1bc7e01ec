package dev.repoworker.api.github;

import dev.repoworker.api.job.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a GitHub {@code push} payload says that a deploy needs.
 *
 * @param ref            {@code refs/heads/main}, {@code refs/tags/v1} …
 * @param commit         {@code head_commit.id}, else {@code after}; null for a deletion
 * @param deleted        the ref was deleted
 * @param repository     {@code full_name}, for the delivery record
 * @param repositoryKeys the {@link RepositoryKey}s of {@code clone_url}, {@code html_url}, {@code ssh_url}
 */
public record PushEvent(String ref, String commit, boolean deleted, String repository, List<String> repositoryKeys) {

    private static final String BRANCH_PREFIX = "refs/heads/";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final int MAX_TEXT = 300;

    /** @throws InvalidInputException naming the field when the payload is not a push GitHub would send */
    public static PushEvent parse(Map<String, Object> payload) {
        String ref = text(payload, "ref");
        if (ref == null) {
            throw new InvalidInputException("ref", "a push names its ref (refs/heads/…)");
        }
        boolean deleted = Boolean.TRUE.equals(payload.get("deleted"));
        Map<String, Object> repository = object(payload, "repository");
        if (repository == null) {
            throw new InvalidInputException("repository", "a push names its repository");
        }
        List<String> keys = new ArrayList<>();
        for (String field : List.of("clone_url", "html_url", "ssh_url", "git_url")) {
            String key = RepositoryKey.of(text(repository, field));
            if (key != null) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            throw new InvalidInputException(
                    "repository.clone_url", "a push names its repository's clone_url or html_url");
        }
        String commit = deleted ? null : commit(payload);
        return new PushEvent(
                ref,
                commit,
                deleted,
                Objects.requireNonNullElse(text(repository, "full_name"), keys.get(0)),
                List.copyOf(keys));
    }

    /** The branch pushed to, or null for a tag or any other ref. */
    public String branch() {
        return ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
    }

    public boolean isTag() {
        return ref.startsWith("refs/tags/");
    }

    private static String commit(Map<String, Object> payload) {
        Map<String, Object> head = object(payload, "head_commit");
        String commit = head == null ? null : text(head, "id");
        String field = "head_commit.id";
        if (commit == null) {
            commit = text(payload, "after");
            field = "after";
        }
        if (commit == null || !SHA.matcher(commit).matches()) {
            throw new InvalidInputException(field, "a push names the commit it moved to as a full hex sha");
        }
        return commit;
    }

    private static String text(Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)
                || text.length() > MAX_TEXT
                || text.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(
                    field,
                    field + " must be a string of at most " + MAX_TEXT + " characters, without control characters");
        }
        return text.isBlank() ? null : text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new InvalidInputException(field, field + " must be an object");
        }
        return (Map<String, Object>) value;
    }
}
