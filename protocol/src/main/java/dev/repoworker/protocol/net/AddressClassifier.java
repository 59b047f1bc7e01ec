package dev.repoworker.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses are not on the public internet: the kinds the Worker and the API do not connect to
 * unless configured to. IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d},
 * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::})
 * are judged by the IPv4 address they carry.
 */
public final class AddressClassifier {

    private record Block(byte[] prefix, int bits, String kind) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    /** Most specific first: the first block that holds an address names its kind. */
    private static final List<Block> IPV4 = List.of(
            block("255.255.255.255/32", "broadcast"),
            block("0.0.0.0/8", "unspecified"),
            block("127.0.0.0/8", "loopback"),
            block("10.0.0.0/8", "private"),
            block("172.16.0.0/12", "private"),
            block("192.168.0.0/16", "private"),
            block("169.254.0.0/16", "link-local"),
            block("100.64.0.0/10", "carrier-grade NAT"),
            block("224.0.0.0/4", "multicast"),
            block("240.0.0.0/4", "reserved"),
            block("192.0.0.0/24", "reserved"),
            block("198.18.0.0/15", "reserved"),
            block("192.0.2.0/24", "documentation"),
            block("198.51.100.0/24", "documentation"),
            block("203.0.113.0/24", "documentation"));

    private static final List<Block> IPV6 = List.of(
            block("::/128", "unspecified"),
            block("::1/128", "loopback"),
            block("fe80::/10", "link-local"),
            block("fec0::/10", "site-local"),
            block("fc00::/7", "unique-local"),
            block("ff00::/8", "multicast"),
            block("100::/64", "reserved"),
            block("64:ff9b:1::/48", "private"),
            block("2001:db8::/32", "documentation"));

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte[] COMPATIBLE_PREFIX = new byte[12];
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private AddressClassifier() {}

    /** The kind of a non-public address ({@code loopback}, {@code private}, {@code link-local} …), or empty for a public one. */
    public static Optional<String> restriction(InetAddress address) {
        return restriction(address.getAddress());
    }

    static Optional<String> restriction(byte[] address) {
        if (address.length == 4) {
            return first(IPV4, address);
        }
        Optional<String> own = first(IPV6, address);
        if (own.isPresent()) {
            return own;
        }
        byte[] prefix = Arrays.copyOf(address, 12);
        byte[] last4 = Arrays.copyOfRange(address, 12, 16);
        if (Arrays.equals(prefix, MAPPED_PREFIX)) {
            return carried(last4, "IPv4-mapped");
        }
        if (Arrays.equals(prefix, COMPATIBLE_PREFIX)) {
            return carried(last4, "IPv4-compatible");
        }
        if (Arrays.equals(prefix, NAT64_PREFIX)) {
            return carried(last4, "NAT64");
        }
        if (address[0] == 0x20 && address[1] == 0x02) {
            return carried(Arrays.copyOfRange(address, 2, 6), "6to4");
        }
        return Optional.empty();
    }

    private static Optional<String> carried(byte[] ipv4, String form) {
        return first(IPV4, ipv4).map(kind -> kind + " (" + form + ")");
    }

    private static Optional<String> first(List<Block> blocks, byte[] address) {
        return blocks.stream().filter(b -> b.contains(address)).map(Block::kind).findFirst();
    }

    private static Block block(String cidr, String kind) {
        int slash = cidr.indexOf('/');
        try {
            // literals only: getByName parses them without a lookup
            byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            return new Block(prefix, Integer.parseInt(cidr.substring(slash + 1)), kind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bad address block " + cidr, e);
        }
    }
}
