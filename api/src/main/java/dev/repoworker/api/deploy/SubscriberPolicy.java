package dev.repoworker.api.deploy;

import dev.repoworker.protocol.net.HostResolver;
import dev.repoworker.protocol.net.NetworkPolicy;
import java.net.URI;
import java.util.Optional;

/**
 * Where deployment webhooks may go: the network rules the Worker applies to callback URLs ({@link NetworkPolicy}),
 * so no project can make the API call a private address (loopback, RFC 1918, link-local, cloud metadata …).
 * Checked when a project is saved and again before every attempt, since a name may resolve elsewhere later.
 * {@code ALLOW_PRIVATE_NETWORKS=true} lifts the address check, for development and tests.
 */
public final class SubscriberPolicy {

    private final NetworkPolicy network;

    public SubscriberPolicy(boolean allowPrivateNetworks, HostResolver resolver) {
        this.network = new NetworkPolicy(allowPrivateNetworks, resolver);
    }

    /**
     * Why a project may not have this subscriber, or empty. A name that does not resolve (yet) is accepted here:
     * DNS may be set up after the project, and every send checks again.
     */
    public Optional<String> refusalOnSave(String url) {
        try {
            network.check(URI.create(url).getHost(), false);
            return Optional.empty();
        } catch (NetworkPolicy.RefusedHost e) {
            return e.refusal() == NetworkPolicy.Refusal.UNRESOLVABLE ? Optional.empty() : Optional.of(e.getMessage());
        }
    }

    /** Before an attempt: the host must resolve, and only to public addresses. */
    void checkBeforeSend(URI url) throws NetworkPolicy.RefusedHost {
        network.check(url.getHost(), false);
    }
}
