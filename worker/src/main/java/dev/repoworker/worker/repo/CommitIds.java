package dev.repoworker.worker.repo;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Full commit ids: 40 hex digits (SHA-1) or 64 (SHA-256). Abbreviations are refused: they are ambiguous, and a
 * shallow fetch cannot resolve them. {@value #LATEST} (the original API's default) means the branch head.
 */
public final class CommitIds {

    /** The {@code commit} value that pins nothing: the head of the branch. */
    public static final String LATEST = "latest";

    private static final Pattern FULL = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private CommitIds() {}

    public static boolean isValid(String id) {
        return id != null && FULL.matcher(id.toLowerCase(Locale.ROOT)).matches();
    }

    public static boolean isLatest(String id) {
        return LATEST.equals(id);
    }

    /** The id in lower case, or empty when it is not a full commit id. */
    public static Optional<String> normalize(String id) {
        return isValid(id) ? Optional.of(id.toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
