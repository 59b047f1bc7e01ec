package dev.repoworker.api.github;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spelling for the URLs of a repository, so a project's {@code repoUrl} matches any of the URLs a push names
 * ({@code clone_url}, {@code html_url}, {@code ssh_url}): host and path, lower-cased, without scheme, user,
 * trailing {@code /} or {@code .git}. {@code https://github.com/Acme/Notes.git}, {@code git@github.com:acme/notes}
 * and {@code ssh://git@github.com/acme/notes/} are all {@code github.com/acme/notes}.
 */
public final class RepositoryKey {

    private static final Pattern SCP_LIKE = Pattern.compile("^[^/@:]+@([^/:]+):(.+)$");
    private static final Pattern WITH_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^/@]*@)?(.*)$");

    private RepositoryKey() {}

    /** The key of {@code url}, or null when there is no URL. */
    public static String of(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String key = url.strip();
        Matcher scp = SCP_LIKE.matcher(key);
        Matcher scheme = WITH_SCHEME.matcher(key);
        if (scheme.matches()) {
            key = scheme.group(1);
        } else if (scp.matches()) {
            key = scp.group(1) + "/" + scp.group(2);
        }
        key = key.toLowerCase(Locale.ROOT);
        int query = indexOfAny(key, '?', '#');
        if (query >= 0) {
            key = key.substring(0, query);
        }
        while (key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        if (key.endsWith(".git")) {
            key = key.substring(0, key.length() - ".git".length());
        }
        while (key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        return key;
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
