package dev.repoworker.protocol.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A resolver for tests: names answer what the test says (and may change their answer), others are unknown. */
public final class FakeDns implements HostResolver {

    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();

    /** {@code name} answers {@code addresses} (IP literals) from now on. */
    public FakeDns answer(String name, String... addresses) {
        List<InetAddress> parsed = new ArrayList<>();
        for (String address : addresses) {
            try {
                parsed.add(literal(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(address, e);
            }
        }
        records.put(name.toLowerCase(), List.copyOf(parsed));
        return this;
    }

    /** An IPv4-mapped IPv6 text stays IPv6, as a DNS AAAA record would give it (the JDK's parser makes it IPv4). */
    private static InetAddress literal(String text) throws UnknownHostException {
        InetAddress parsed = InetAddress.getByName(text);
        if (parsed instanceof Inet4Address && text.contains(":")) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, (NetworkInterface) null);
        }
        return parsed;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> found = records.get(host.toLowerCase());
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found;
    }
}
