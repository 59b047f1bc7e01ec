package dev.repoworker.worker.repo;

import java.util.Optional;

/**
 * Branch names as {@code git check-ref-format --branch} accepts them, checked in Java — and stricter where
 * a name could mislead a reader of logs or results: no Unicode spaces, control or invisible formatting
 * characters (bidirectional overrides, zero-width characters), no unpaired surrogates.
 */
public final class BranchNames {

    static final int MAX_LENGTH = 255;
    private static final String FORBIDDEN = " ~^:?*[\\";

    private BranchNames() {}

    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** Why {@code name} is not a usable branch name, or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is required");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        if (name.startsWith("-")) {
            return Optional.of("must not start with '-'");
        }
        if (name.equals("@") || name.equals("HEAD")) {
            return Optional.of("is not a branch name");
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            int type = Character.getType(c);
            if (type == Character.CONTROL) {
                return Optional.of("must not contain control characters");
            }
            if (FORBIDDEN.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return Optional.of("must not contain spaces or any of ~^:?*[\\");
            }
            if (type == Character.FORMAT) {
                return Optional.of("must not contain invisible formatting characters");
            }
            if (type == Character.SURROGATE) {
                return Optional.of("must be valid Unicode"); // an unpaired half of a surrogate pair
            }
        }
        if (name.contains("..") || name.contains("@{") || name.contains("//")) {
            return Optional.of("must not contain '..', '@{' or '//'");
        }
        if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) {
            return Optional.of("must not start or end with '/' or end with '.'");
        }
        for (String component : name.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return Optional.of("must not have a part starting with '.' or ending with '.lock'");
            }
        }
        return Optional.empty();
    }
}
