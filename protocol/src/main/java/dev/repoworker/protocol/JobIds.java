package dev.repoworker.protocol;

import java.util.regex.Pattern;

/**
 * The syntax of a job id on the wire, the same for both services: 1 to 128 of {@code A-Z a-z 0-9 . _ : -},
 * never {@code ..} and not {@code .} alone. A job id ends up in URL paths and folder names
 * ({@code ARTIFACTS_DIR/<jobId>/}), where {@code .} would name the parent folder itself.
 */
public final class JobIds {

    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final String RULE = "must be 1 to 128 characters of A-Z a-z 0-9 . _ : - (not '.', no '..')";

    private JobIds() {}

    public static boolean isValid(String jobId) {
        return jobId != null && PATTERN.matcher(jobId).matches() && !jobId.contains("..") && !jobId.equals(".");
    }
}
