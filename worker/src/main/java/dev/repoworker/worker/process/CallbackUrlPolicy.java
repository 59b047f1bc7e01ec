package dev.repoworker.worker.process;

import dev.repoworker.worker.WorkerError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/** Where callbacks may go: absolute http(s) URLs without user-info, to any host or to a configured list. */
public final class CallbackUrlPolicy {

    private final List<String> allowedHosts;

    /** @param allowedHosts empty means any host */
    public CallbackUrlPolicy(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    public void check(String callbackUrl) {
        URI uri;
        try {
            uri = new URI(callbackUrl);
        } catch (URISyntaxException e) {
            throw invalid("callbackUrl is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("callbackUrl must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw invalid("callbackUrl must name a host and carry no user-info");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(allowed -> matches(allowed, host))) {
            throw invalid("callbackUrl host '" + host + "' is not in ALLOWED_CALLBACK_HOSTS");
        }
    }

    private static boolean matches(String allowed, String host) {
        if (allowed.startsWith("*.")) {
            return host.endsWith(allowed.substring(1));
        }
        return allowed.equals(host);
    }

    private static WorkerError invalid(String message) {
        return new WorkerError(400, message, "callbackUrl");
    }
}
