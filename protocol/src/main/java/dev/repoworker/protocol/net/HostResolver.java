package dev.repoworker.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Name to addresses (every A and AAAA record). The seam lets tests play DNS without a network. */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver. The JVM caches answers (30 s by default), so a connection made right after a check meets the same addresses. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
