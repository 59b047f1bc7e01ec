package dev.repoworker.worker.repo;

import dev.repoworker.worker.WorkerConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which repository URLs the Worker may fetch (SSRF guard): {@code https:} to allowed hosts;
 * {@code http:} to allowed hosts only when plain HTTP is enabled (local Git servers); {@code file:}
 * only when file repositories are enabled; never credentials in the URL, never other schemes.
 *
 * <p>A host entry matches exactly (case-insensitive, any port); {@code host:port} matches that port
 * only; {@code *.example.com} matches any subdomain of example.com (not example.com itself).
 */
public final class RepoUrlPolicy {

    static final int MAX_URL_LENGTH = 2048;

    private final List<String> allowedHosts;
    private final boolean allowHttp;
    private final boolean allowFile;

    public RepoUrlPolicy(List<String> allowedHosts, boolean allowHttp, boolean allowFile) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.allowHttp = allowHttp;
        this.allowFile = allowFile;
    }

    public static RepoUrlPolicy fromConfig(WorkerConfig config) {
        return new RepoUrlPolicy(config.allowedRepoHosts(), config.allowHttpRepos(), config.allowFileRepos());
    }

    public boolean allowsFileRepos() {
        return allowFile;
    }

    /** Why {@code url} may not be fetched, or empty when it may. The reason never echoes credentials. */
    public Optional<String> problem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("is longer than " + MAX_URL_LENGTH + " characters");
        }
        if (url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return Optional.of("must not contain spaces or control characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null) {
            return Optional.of("must be an https URL");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            return Optional.of("must not contain credentials; pass gitToken instead");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "https" -> checkHost(uri);
            case "http" -> allowHttp ? checkHost(uri) : Optional.of("must use https");
            case "file" -> checkFile(uri);
            default -> Optional.of("scheme '" + scheme + "' is not allowed; use https");
        };
    }

    private Optional<String> checkHost(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("must name a host");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (uri.getRawPath() == null || uri.getRawPath().length() <= 1) {
            return Optional.of("must name a repository");
        }
        for (String entry : allowedHosts) {
            if (matches(entry, host, uri.getPort())) {
                return Optional.empty();
            }
        }
        return Optional.of("host '" + host + "' is not allowed");
    }

    private static boolean matches(String entry, String host, int port) {
        String entryHost = entry;
        int entryPort = -1;
        int colon = entry.lastIndexOf(':');
        if (colon > 0 && !entry.endsWith("]") && entry.indexOf(':') == colon) {
            try {
                entryPort = Integer.parseInt(entry.substring(colon + 1));
                entryHost = entry.substring(0, colon);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (entryPort != -1 && entryPort != port) {
            return false;
        }
        if (entryHost.startsWith("*.")) {
            String suffix = entryHost.substring(1);
            return host.endsWith(suffix) && host.length() > suffix.length();
        }
        return entryHost.equals(host);
    }

    private Optional<String> checkFile(URI uri) {
        if (!allowFile) {
            return Optional.of("file: repositories are not allowed");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()
                && !"localhost".equalsIgnoreCase(uri.getRawAuthority())) {
            return Optional.of("file: URLs must not name a host");
        }
        if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getRawQuery() != null) {
            return Optional.of("file: URLs need an absolute path");
        }
        return Optional.empty();
    }

    /** The URL fit for results and logs: scheme, host, port and path only (no credentials, query or fragment). */
    public static String displayUrl(String url) {
        if (url == null) {
            return "";
        }
        try {
            URI uri = new URI(url.strip());
            if (uri.isOpaque() || uri.getScheme() == null) {
                return stripCredentials(url);
            }
            StringBuilder out = new StringBuilder(uri.getScheme().toLowerCase(Locale.ROOT)).append("://");
            if (uri.getHost() != null) {
                out.append(uri.getHost());
                if (uri.getPort() != -1) {
                    out.append(':').append(uri.getPort());
                }
            } else if (uri.getRawAuthority() != null) {
                out.append(stripCredentials("//" + uri.getRawAuthority()).substring(2));
            }
            out.append(uri.getRawPath() == null ? "" : uri.getRawPath());
            return out.toString();
        } catch (URISyntaxException e) {
            return stripCredentials(url.replaceAll("[?#].*$", ""));
        }
    }

    private static String stripCredentials(String text) {
        return text.replaceAll("^([A-Za-z][A-Za-z0-9+.-]*:)?//[^/@]*@", "$1//");
    }
}
