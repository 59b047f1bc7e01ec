package dev.repoworker.worker.process;

import dev.repoworker.protocol.NumericHosts;
import dev.repoworker.protocol.net.NetworkPolicy;
import dev.repoworker.worker.WorkerError;
import dev.repoworker.worker.net.HostList;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Where callbacks may go: absolute http(s) URLs without user-info, to a host in {@code ALLOWED_CALLBACK_HOSTS}
 * (empty: any host) whose addresses are public ({@link NetworkPolicy}); a host listed exactly there may be
 * private. Checked at admission and again before every delivery attempt (DNS may change in between).
 */
public final class CallbackUrlPolicy {

    private static final String PRIVATE_HINT =
            "; private networks need ALLOW_PRIVATE_NETWORKS=true or the host listed exactly in ALLOWED_CALLBACK_HOSTS";

    private final HostList allowedHosts;
    private final NetworkPolicy network;

    /** @param allowedHosts empty means any host */
    public CallbackUrlPolicy(List<String> allowedHosts, NetworkPolicy network) {
        this.allowedHosts = HostList.of(allowedHosts);
        this.network = network;
    }

    /** Admission: throws a 400 {@link WorkerError} naming {@code callbackUrl}. */
    public void check(String callbackUrl) {
        URI uri = parse(callbackUrl);
        try {
            network.check(uri.getHost(), trusted(uri));
        } catch (NetworkPolicy.RefusedHost e) {
            throw invalid("callbackUrl " + e.getMessage()
                    + (e.refusal() == NetworkPolicy.Refusal.PRIVATE ? PRIVATE_HINT : ""));
        }
    }

    /** Before a delivery attempt: the address check again, for a URL admitted earlier. */
    public void checkAgain(String callbackUrl) throws NetworkPolicy.RefusedHost {
        URI uri = parse(callbackUrl);
        network.check(uri.getHost(), trusted(uri));
    }

    private boolean trusted(URI uri) {
        return allowedHosts.match(uri.getHost(), uri.getPort()) == HostList.Match.EXACT;
    }

    private URI parse(String callbackUrl) {
        URI uri;
        try {
            uri = new URI(callbackUrl);
        } catch (URISyntaxException e) {
            throw invalid("callbackUrl is not a valid URL" + (callbackUrl.contains("\\") ? " (no backslashes)" : ""));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("callbackUrl must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null
                || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw invalid("callbackUrl must carry no user-info");
        }
        if (uri.getHost() == null) {
            throw invalid("callbackUrl " + NetworkPolicy.unreadableHost(uri));
        }
        NumericHosts.problem(uri.getHost()).ifPresent(problem -> {
            throw invalid("callbackUrl " + problem);
        });
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.isEmpty() && allowedHosts.match(host, uri.getPort()) == HostList.Match.NONE) {
            throw invalid("callbackUrl host '" + host + "' is not in ALLOWED_CALLBACK_HOSTS");
        }
        return uri;
    }

    private static WorkerError invalid(String message) {
        return new WorkerError(400, message, "callbackUrl");
    }
}
