package dev.repoworker.worker.repo;

import dev.repoworker.protocol.NumericHosts;
import dev.repoworker.protocol.net.NetworkPolicy;
import dev.repoworker.worker.net.HostList;
import dev.repoworker.worker.task.TaskFailedException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which repository URLs the Worker may fetch (SSRF guard): {@code https:} to allowed hosts;
 * {@code http:} to allowed hosts only when plain HTTP is enabled (local Git servers); {@code file:}
 * only when file repositories are enabled; never credentials in the URL, never other schemes. The host's
 * addresses must be public unless it is listed exactly or private networks are allowed ({@link NetworkPolicy}).
 *
 * <p>Host entries: see {@link HostList} (exact, {@code host:port}, {@code *.example.com}).
 */
public final class RepoUrlPolicy {

    static final int MAX_URL_LENGTH = 2048;
    private static final String PRIVATE_HINT =
            "; private networks need ALLOW_PRIVATE_NETWORKS=true or the host listed exactly in ALLOWED_REPO_HOSTS";

    private final HostList allowedHosts; // null: form only
    private final boolean allowHttp;
    private final boolean allowFile;
    private final NetworkPolicy network;

    /** Public addresses only, through the system resolver (a host listed exactly is trusted). */
    public RepoUrlPolicy(List<String> allowedHosts, boolean allowHttp, boolean allowFile) {
        this(allowedHosts, allowHttp, allowFile, NetworkPolicy.strict());
    }

    public RepoUrlPolicy(List<String> allowedHosts, boolean allowHttp, boolean allowFile, NetworkPolicy network) {
        this.allowedHosts = allowedHosts == null ? null : HostList.of(allowedHosts);
        this.allowHttp = allowHttp;
        this.allowFile = allowFile;
        this.network = network;
    }

    /**
     * The form of a URL only: any scheme a Worker can be allowed (https, http, file), no credentials, a host and a
     * repository path; which hosts are allowed and where they resolve are not checked (nothing is resolved).
     */
    public static RepoUrlPolicy formOnly() {
        return new RepoUrlPolicy(null, true, true, null);
    }

    /** Why {@code url} may not be fetched, or empty when it may. The reason never echoes credentials. */
    public Optional<String> problem(String url) {
        return evaluate(url).problem();
    }

    /**
     * The check again right before Git connects (DNS may have changed since admission): the addresses to pin
     * the connection to, all checked; empty when there is nothing to pin (a {@code file:} URL, or a host that is
     * trusted and left to Git to resolve).
     */
    public List<InetAddress> addressesToConnect(String url) throws TaskFailedException {
        Verdict verdict = evaluate(url);
        if (verdict.problem().isPresent()) {
            throw new TaskFailedException(
                    "repository URL not allowed: " + verdict.problem().get());
        }
        return verdict.addresses();
    }

    private record Verdict(Optional<String> problem, List<InetAddress> addresses) {
        static Verdict refused(String problem) {
            return new Verdict(Optional.of(problem), List.of());
        }

        static Verdict allowed(List<InetAddress> addresses) {
            return new Verdict(Optional.empty(), addresses);
        }
    }

    private Verdict evaluate(String url) {
        if (url == null || url.isBlank()) {
            return Verdict.refused("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Verdict.refused("is longer than " + MAX_URL_LENGTH + " characters");
        }
        if (url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return Verdict.refused("must not contain spaces or control characters");
        }
        if (url.contains("\\")) {
            return Verdict.refused("must not contain backslashes");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Verdict.refused("is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null) {
            return Verdict.refused("must be an https URL");
        }
        if (uri.getRawUserInfo() != null
                || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            return Verdict.refused("must not contain credentials; pass gitToken instead");
        }
        if (uri.getRawFragment() != null) {
            return Verdict.refused("must not have a fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "https" -> checkHost(uri);
            case "http" -> allowHttp ? checkHost(uri) : Verdict.refused("must use https");
            case "file" -> checkFile(uri);
            default -> Verdict.refused("scheme '" + scheme + "' is not allowed; use https");
        };
    }

    private Verdict checkHost(URI uri) {
        if (uri.getHost() == null) {
            return Verdict.refused(
                    uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()
                            ? "must name a host"
                            : NetworkPolicy.unreadableHost(uri));
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        Optional<String> numeric = NumericHosts.problem(host);
        if (numeric.isPresent()) {
            return Verdict.refused(numeric.get());
        }
        if (uri.getRawPath() == null || uri.getRawPath().length() <= 1) {
            return Verdict.refused("must name a repository");
        }
        if (allowedHosts == null) {
            return Verdict.allowed(List.of()); // formOnly: the Worker that runs the job checks the host
        }
        HostList.Match match = allowedHosts.match(host, uri.getPort());
        if (match == HostList.Match.NONE) {
            return Verdict.refused("host '" + displayHost(host) + "' is not allowed");
        }
        try {
            return Verdict.allowed(network.check(host, match == HostList.Match.EXACT));
        } catch (NetworkPolicy.RefusedHost e) {
            return Verdict.refused(e.getMessage() + (e.refusal() == NetworkPolicy.Refusal.PRIVATE ? PRIVATE_HINT : ""));
        }
    }

    private static String displayHost(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private Verdict checkFile(URI uri) {
        if (!allowFile) {
            return Verdict.refused("file: repositories are not allowed");
        }
        if (uri.getRawAuthority() != null
                && !uri.getRawAuthority().isEmpty()
                && !"localhost".equalsIgnoreCase(uri.getRawAuthority())) {
            return Verdict.refused("file: URLs must not name a host");
        }
        if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getRawQuery() != null) {
            return Verdict.refused("file: URLs need an absolute path");
        }
        return Verdict.allowed(List.of());
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
