package dev.repoworker.worker.net;

import dev.repoworker.protocol.NumericHosts;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An operator's list of hosts (ALLOWED_REPO_HOSTS, ALLOWED_CALLBACK_HOSTS). An entry is a name or an IP
 * address, matched exactly and case-insensitively on any port; {@code host:port} (or {@code [v6]:port})
 * on that port only; {@code *.example.com} matches every subdomain of example.com (not example.com itself,
 * never an IP address). Only an exact match makes a host trusted by the {@link NetworkPolicy}.
 */
public final class HostList {

    /** How a host matched the list. */
    public enum Match {
        NONE,
        WILDCARD,
        EXACT
    }

    private record Entry(String host, int port, boolean wildcard) {}

    private final List<Entry> entries;

    private HostList(List<Entry> entries) {
        this.entries = entries;
    }

    public static HostList of(List<String> entries) {
        return new HostList(entries.stream()
                .map(e -> e.trim().toLowerCase(Locale.ROOT))
                .filter(e -> !e.isEmpty())
                .map(HostList::parse)
                .filter(Objects::nonNull)
                .toList());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The best match of {@code host} (as a URL names it) on {@code port} (-1 when the URL names none). */
    public Match match(String host, int port) {
        String name = normalize(host);
        boolean ipAddress = name.contains(":") || NumericHosts.isCanonicalIpv4(name);
        Match best = Match.NONE;
        for (Entry entry : entries) {
            if (entry.port() != -1 && entry.port() != port) {
                continue;
            }
            if (!entry.wildcard() && entry.host().equals(name)) {
                return Match.EXACT;
            }
            if (entry.wildcard()
                    && !ipAddress
                    && name.endsWith(entry.host())
                    && name.length() > entry.host().length()) {
                best = Match.WILDCARD;
            }
        }
        return best;
    }

    private static Entry parse(String entry) {
        String host = entry;
        int port = -1;
        int colon = entry.lastIndexOf(':');
        boolean bracketed = entry.startsWith("[");
        if (bracketed ? colon > entry.indexOf(']') : colon > 0 && entry.indexOf(':') == colon) {
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            host = entry.substring(0, colon);
        }
        boolean wildcard = host.startsWith("*.");
        return new Entry(wildcard ? normalize(host.substring(1)) : normalize(host), port, wildcard);
    }

    private static String normalize(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
