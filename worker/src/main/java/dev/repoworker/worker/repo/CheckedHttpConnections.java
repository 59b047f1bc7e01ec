package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's HTTP connections for one clone: only to the clone URL's own scheme, host and port, so a redirect
 * elsewhere is refused before anything connects to it, and each connection runs the {@link ConnectionCheck}
 * again first. JGit connects through the JVM's resolver, whose cache answers with the addresses just checked.
 */
final class CheckedHttpConnections implements HttpConnectionFactory2 {

    /** A connection JGit wanted to make and may not. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final JDKHttpConnectionFactory delegate = new JDKHttpConnectionFactory();
    private final String url;
    private final URI origin;
    private final ConnectionCheck check;

    CheckedHttpConnections(String url, ConnectionCheck check) {
        this.url = url;
        this.origin = URI.create(url);
        this.check = check;
    }

    @Override
    public HttpConnection create(URL target) throws IOException {
        return create(target, null);
    }

    @Override
    public HttpConnection create(URL target, Proxy proxy) throws IOException {
        if (!sameOrigin(target)) {
            throw new Refused(GitErrors.REDIRECTED);
        }
        try {
            check.addressesFor(url);
        } catch (TaskFailedException e) {
            throw new Refused(e.getMessage());
        }
        return proxy == null ? delegate.create(target) : delegate.create(target, proxy);
    }

    @Override
    public GitSession newSession() {
        return delegate.newSession();
    }

    private boolean sameOrigin(URL target) {
        try {
            URI uri = target.toURI();
            return scheme(uri).equals(scheme(origin))
                    && Objects.equals(host(uri), host(origin))
                    && port(uri) == port(origin);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : scheme(uri).equals("http") ? 80 : 443;
    }
}
