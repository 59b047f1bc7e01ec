package dev.repoworker.api.dispatch;

import dev.repoworker.api.job.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and checks the fields of a task's {@code data}; every complaint names {@code data.<field>}. */
final class TaskFields {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    /** As the Worker's: a full commit id, since a shallow fetch cannot resolve an abbreviation. */
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    /** The original API's default commit: the head of the branch. */
    private static final String LATEST = "latest";

    private final Map<String, Object> data;

    TaskFields(Map<String, Object> data) {
        this.data = data;
    }

    String requiredText(String field) {
        String value = optionalText(field);
        if (value == null) {
            throw new InvalidInputException("data." + field, "data." + field + " is required");
        }
        return value;
    }

    String optionalText(String field) {
        Object value = data.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidInputException("data." + field, "data." + field + " must be a string");
        }
        return text.isBlank() ? null : text.trim();
    }

    String name(String field) {
        String value = requiredText(field);
        if (!NAME.matcher(value).matches() || value.startsWith(".")) {
            throw new InvalidInputException(
                    "data." + field, "data." + field + " must be a repository or owner name (letters, digits, . _ -)");
        }
        return value;
    }

    String branch() {
        String value = optionalText("branch");
        if (value != null
                && (!BRANCH.matcher(value).matches()
                        || value.startsWith("-")
                        || value.contains("..")
                        || value.startsWith("/")
                        || value.endsWith("/")
                        || value.endsWith(".lock"))) {
            throw new InvalidInputException("data.branch", "data.branch is not a valid branch name");
        }
        return value;
    }

    /** The commit to pin, or null for the branch head (no commit, or {@code "latest"}). */
    String commit() {
        String value = optionalText("commit");
        if (value == null || value.equals(LATEST)) {
            return null;
        }
        if (!COMMIT.matcher(value).matches()) {
            throw new InvalidInputException(
                    "data.commit",
                    "data.commit must be a full commit sha (40 or 64 hex digits) or \"latest\" for the branch head");
        }
        return value;
    }

    String url(String field, boolean required) {
        String value = required ? requiredText(field) : optionalText(field);
        if (value == null) {
            return null;
        }
        RepositoryUrls.problem(value).ifPresent(problem -> {
            throw new InvalidInputException("data." + field, "data." + field + " " + problem);
        });
        return value;
    }

    /** Checks the repository URL fields a Worker task's data may carry (a non-string is left to the Worker). */
    void checkRepositoryUrls() {
        for (String field : RepositoryUrls.FIELDS) {
            if (data.get(field) instanceof String text && !text.isBlank()) {
                url(field, false);
            }
        }
    }

    List<String> textList(String field) {
        Object value = data.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new InvalidInputException("data." + field, "data." + field + " must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
