package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Turns Git's complaints into the task's error messages, scrubbed of secrets and local paths. */
final class GitErrors {

    static final String REPOSITORY_NOT_FOUND = "repository not found";
    static final String AUTHENTICATION_FAILED = "authentication failed";
    static final String REDIRECTED =
            "repository URL redirected; redirects are not followed (use the repository's final URL)";
    private static final int MAX_DETAIL = 300;

    // up to the last '@' before the path: a password may hold '@' itself
    private static final Pattern URL_CREDENTIALS = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/\\s'\"]*@");
    // a query or fragment can carry a token (?access_token=…): dropped like credentials
    private static final Pattern URL_QUERY = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"?#]*)[?#][^\\s'\"]*");
    private static final Pattern FILE_URL = Pattern.compile("file:/+[^\\s'\"]*");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.:/~-])/(?:[^\\s'\"/:]+/)*[^\\s'\"/:]+/?");
    private static final Pattern REDIRECT = Pattern.compile("returned error: 3[0-9][0-9]\\b");
    private static final Pattern BRANCH_MISSING =
            Pattern.compile("remote branch .* not found|couldn't find remote ref refs/heads/|remote ref does not exist"
                    + "|remote does not have refs/heads/");
    private static final Pattern AUTH = Pattern.compile(
            "authentication failed|could not read username|could not read password|terminal prompts disabled"
                    + "|returned error: 40[13]|http basic: access denied|invalid username or password"
                    + "|not authorized|authentication is required|authentication not supported|\\b401\\b|\\b403\\b");
    private static final Pattern REPO_MISSING =
            Pattern.compile("repository '.*' not found|repository not found|does not appear to be a git repository"
                    + "|returned error: 404|not a git repository|no such repository|\\b404\\b");

    private GitErrors() {}

    static TaskFailedException branchNotFound(String branch) {
        return new TaskFailedException("branch '" + branch + "' not found");
    }

    static TaskFailedException commitNotFound(String commit) {
        return new TaskFailedException("commit '" + commit + "' not found");
    }

    /** The mapped error for Git's output (stderr text or exception messages). */
    static TaskFailedException classify(String output, String branch, Scrubber scrubber) {
        String lower = output.toLowerCase(Locale.ROOT);
        if (REDIRECT.matcher(lower).find()) {
            return new TaskFailedException(REDIRECTED);
        }
        if (AUTH.matcher(lower).find()) {
            return new TaskFailedException(AUTHENTICATION_FAILED);
        }
        if (BRANCH_MISSING.matcher(lower).find()) {
            return branchNotFound(branch);
        }
        if (REPO_MISSING.matcher(lower).find()) {
            return new TaskFailedException(REPOSITORY_NOT_FOUND);
        }
        return new TaskFailedException("git clone failed: " + scrubber.scrub(firstUsefulLine(output)));
    }

    static boolean isAuthOrMissingRepo(String output) {
        String lower = output.toLowerCase(Locale.ROOT);
        return AUTH.matcher(lower).find() || REPO_MISSING.matcher(lower).find();
    }

    static String firstUsefulLine(String output) {
        List<String> lines =
                output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String chosen = lines.stream()
                .filter(l -> l.startsWith("fatal:") || l.startsWith("error:"))
                .findFirst()
                .orElse(lines.stream()
                        .filter(l -> !l.startsWith("hint:") && !l.startsWith("warning:"))
                        .findFirst()
                        .orElse("unknown error"));
        chosen = chosen.replaceFirst("^(fatal|error):\\s*", "");
        return chosen.length() > MAX_DETAIL ? chosen.substring(0, MAX_DETAIL) + "…" : chosen;
    }

    /** Removes a token (raw, Basic-encoded), credentials and queries in URLs, and local absolute paths from text. */
    static final class Scrubber {
        private final List<String> secrets = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();

        Scrubber(Optional<String> token, Collection<Path> localPaths) {
            token.ifPresent(t -> {
                secrets.add(t);
                secrets.add(basic(t));
                secrets.add(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)));
            });
            for (Path path : localPaths) {
                Path absolute = path.toAbsolutePath().normalize();
                paths.add(absolute.toString());
                paths.add(absolute.toUri().toString());
            }
            paths.sort(Comparator.comparingInt(String::length).reversed());
        }

        String scrub(String text) {
            String result = text;
            for (String secret : secrets) {
                if (!secret.isEmpty()) {
                    result = result.replace(secret, "***");
                }
            }
            result = URL_CREDENTIALS.matcher(result).replaceAll("$1");
            result = URL_QUERY.matcher(result).replaceAll("$1");
            for (String path : paths) {
                result = result.replace(path, "<workspace>");
            }
            result = FILE_URL.matcher(result).replaceAll("file://<path>");
            return ABSOLUTE_PATH.matcher(result).replaceAll("<path>");
        }
    }

    /** {@code base64(x-access-token:TOKEN)}, the credentials of an {@code Authorization: Basic} header. */
    static String basic(String token) {
        return Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8));
    }
}
