package dev.repoworker.protocol.net;

import dev.repoworker.protocol.NumericHosts;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which hosts a service may connect to on a user's say (the Worker: repositories, templates, callbacks; the API:
 * project webhook subscribers): every address a
 * host resolves to must be public (see {@link AddressClassifier}). Two ways to allow private networks:
 * {@code ALLOW_PRIVATE_NETWORKS=true} (local development, tests) lifts the address check everywhere; a host
 * an operator named exactly (not through {@code *.}) in an allow-list is trusted, whatever it resolves to
 * (an API reached over a VPC). Only checked hosts are resolved: a trusted host is left to the connection.
 * A host that ends in a number must be a canonical dotted quad whatever the configuration ({@link NumericHosts}).
 */
public final class NetworkPolicy {

    /** Why a host was refused. */
    public enum Refusal {
        /** A numeric host in a non-canonical form, or an unusable IPv6 literal. */
        MALFORMED,
        /** No address: perhaps for now (DNS), perhaps for good. */
        UNRESOLVABLE,
        /** An address that is not public. */
        PRIVATE
    }

    /** A host that will not be connected to; the message names the host and the problem, never an address it resolved to. */
    public static final class RefusedHost extends Exception {
        private final Refusal refusal;

        RefusedHost(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final boolean allowPrivateNetworks;
    private final HostResolver resolver;

    public NetworkPolicy(boolean allowPrivateNetworks, HostResolver resolver) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    /** Public addresses only, through the system resolver. */
    public static NetworkPolicy strict() {
        return new NetworkPolicy(false, HostResolver.SYSTEM);
    }

    /**
     * Checks {@code host} as a URL names it (a name, a dotted quad, or an IPv6 literal in brackets) and returns the
     * addresses to connect to — all of them checked — or an empty list when nothing is checked (private networks
     * allowed, or {@code trusted}: named exactly in an operator's allow-list) and the connection resolves the name itself.
     */
    public List<InetAddress> check(String host, boolean trusted) throws RefusedHost {
        if (host == null || host.isEmpty()) {
            throw new RefusedHost(Refusal.MALFORMED, "a host is required");
        }
        Optional<String> numeric = NumericHosts.problem(host);
        if (numeric.isPresent()) {
            throw new RefusedHost(Refusal.MALFORMED, numeric.get());
        }
        Optional<InetAddress> literal = literal(host);
        if (allowPrivateNetworks || trusted) {
            return List.of();
        }
        List<InetAddress> addresses = literal.isPresent() ? List.of(literal.get()) : resolve(host);
        for (InetAddress address : addresses) {
            Optional<String> kind = AddressClassifier.restriction(address);
            if (kind.isPresent()) {
                throw new RefusedHost(
                        Refusal.PRIVATE,
                        "host '" + host + "' " + (literal.isPresent() ? "is" : "resolves to") + " "
                                + article(kind.get()) + " " + kind.get() + " address");
            }
        }
        return addresses;
    }

    /**
     * Why a URL whose host {@link URI} could not read ({@code 0x7f.1}, {@code 127.1}, {@code exa_mple.com}) is
     * refused: the numeric-host problem when there is one, else that a valid host is needed.
     */
    public static String unreadableHost(URI uri) {
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String host = authority.replaceFirst(":[0-9]*$", "");
        return NumericHosts.problem(host).orElse("must name a valid host");
    }

    private List<InetAddress> resolve(String host) throws RefusedHost {
        try {
            List<InetAddress> addresses = resolver.resolve(host);
            if (addresses == null || addresses.isEmpty()) {
                throw new UnknownHostException(host);
            }
            return addresses;
        } catch (UnknownHostException | SecurityException e) {
            throw new RefusedHost(Refusal.UNRESOLVABLE, "host '" + host + "' could not be resolved");
        }
    }

    /** The address a literal host names (no lookup), or empty for a name. */
    private static Optional<InetAddress> literal(String host) throws RefusedHost {
        try {
            if (host.startsWith("[") || host.contains(":")) {
                String inner = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
                if (!IPV6_LITERAL.matcher(inner).matches()) {
                    throw new RefusedHost(
                            Refusal.MALFORMED, "host '" + host + "' is not a plain IPv6 address (no zone index)");
                }
                return Optional.of(InetAddress.getByName(inner));
            }
            if (NumericHosts.isCanonicalIpv4(host)) {
                return Optional.of(InetAddress.getByName(host));
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            throw new RefusedHost(Refusal.MALFORMED, "host '" + host + "' is not a valid IP address");
        }
    }

    private static String article(String kind) {
        return "aeiou".indexOf(kind.toLowerCase(Locale.ROOT).charAt(0)) >= 0 ? "an" : "a";
    }
}
