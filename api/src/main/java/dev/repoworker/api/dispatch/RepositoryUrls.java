package dev.repoworker.api.dispatch;

import dev.repoworker.protocol.NumericHosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The repository URLs a client submits, refused at once when every Worker would refuse them: schemes other
 * than http(s) and file, credentials, backslashes, numeric hosts not written as a dotted quad. Which hosts and
 * networks are allowed is the Worker's configuration, so the Worker stays the authority on the rest.
 */
final class RepositoryUrls {

    /** The fields of a task's data that name a repository the Worker will fetch. */
    static final List<String> FIELDS = List.of("repoUrl", "templateRepoUrl", "sourceUrl");

    private RepositoryUrls() {}

    /** Why no Worker would fetch {@code url}, or empty. Never echoes the URL (it may hold a credential). */
    static Optional<String> problem(String url) {
        if (url.contains("\\")) {
            return Optional.of("must not contain backslashes");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("http", "https", "file").contains(scheme)) {
            return Optional.of("must be an http(s) or file URL");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        if (uri.getRawUserInfo() != null || authority.contains("@")) {
            return Optional.of("must not contain credentials; pass gitToken instead");
        }
        if (scheme.equals("file")) {
            return Optional.empty();
        }
        String host = uri.getHost() != null ? uri.getHost() : authority.replaceFirst(":[0-9]*$", "");
        Optional<String> numeric = NumericHosts.problem(host);
        if (numeric.isPresent()) {
            return numeric;
        }
        return uri.getHost() == null ? Optional.of("must name a valid host") : Optional.empty();
    }
}
