package dev.repoworker.objectstore;

import java.util.regex.Pattern;

/**
 * Object keys of artifacts: {@code {prefix}{jobId}/{path}}. A key is built only from plain segments, so
 * nothing a repository names ({@code ../}, {@code /etc}, {@code a\b}, control characters) can reach outside
 * the job's folder, nor outside the prefix.
 */
public final class ObjectKeys {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_PATH = 1024;

    private ObjectKeys() {}

    /** {@code {prefix}{jobId}/} — refused when the job id is not a plain name. */
    public static String jobFolder(String prefix, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches() || jobId.contains("..")) {
            throw new IllegalArgumentException("job id '" + printable(jobId) + "' cannot name an artifacts folder");
        }
        return prefix + jobId + "/";
    }

    /** {@code {prefix}{jobId}/{path}} — refused when {@code path} would leave the job's folder. */
    public static String key(String prefix, String jobId, String path) {
        if (!isSafeRelative(path)) {
            throw new IllegalArgumentException("artifact path '" + printable(path) + "' would leave the job's folder");
        }
        return jobFolder(prefix, jobId) + path;
    }

    /** A relative path of plain segments: no empty, {@code .} or {@code ..} segment, no backslash, colon or control character. */
    public static boolean isSafeRelative(String path) {
        if (path == null || path.isEmpty() || path.length() > MAX_PATH || path.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code S3_PREFIX} as used: empty, or plain segments ending in {@code /} ({@code sites} → {@code sites/}). */
    static String checkedPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!isSafeRelative(trimmed)) {
            throw new IllegalArgumentException("must be plain path segments such as sites/ (no leading /, no . or .., "
                    + "no backslash), got '" + printable(prefix) + "'");
        }
        return trimmed + "/";
    }

    private static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() > 100 ? text.substring(0, 100) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
