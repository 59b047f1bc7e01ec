package dev.repoworker.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressClassifierTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.255.254, loopback",
        "10.0.0.1, private",
        "10.255.255.255, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.0.1, private",
        "169.254.169.254, link-local",
        "169.254.0.1, link-local",
        "100.64.0.1, carrier-grade NAT",
        "100.127.255.255, carrier-grade NAT",
        "0.0.0.0, unspecified",
        "0.1.2.3, unspecified",
        "255.255.255.255, broadcast",
        "224.0.0.1, multicast",
        "239.255.255.250, multicast",
        "240.0.0.1, reserved",
        "198.18.0.1, reserved",
        "192.0.0.8, reserved",
        "192.0.2.1, documentation",
        "::1, loopback",
        "::, unspecified",
        "fe80::1, link-local",
        "febf:ffff::1, link-local",
        "fec0::1, site-local",
        "fc00::1, unique-local",
        "fd12:3456:789a::1, unique-local",
        "ff02::1, multicast",
        "100::1, reserved",
        "2001:db8::1, documentation",
        "64:ff9b:1::1, private",
        "::ffff:127.0.0.1, loopback (IPv4-mapped)",
        "::ffff:169.254.169.254, link-local (IPv4-mapped)",
        "::ffff:10.0.0.1, private (IPv4-mapped)",
        "::ffff:0.0.0.0, unspecified (IPv4-mapped)",
        "::127.0.0.1, loopback (IPv4-compatible)",
        "::10.1.2.3, private (IPv4-compatible)",
        "64:ff9b::7f00:1, loopback (NAT64)",
        "64:ff9b::a9fe:a9fe, link-local (NAT64)",
        "2002:7f00:1::1, loopback (6to4)",
        "2002:c0a8:101::1, private (6to4)"
    })
    void non_public_addresses_are_named_by_kind(String address, String kind) throws Exception {
        assertThat(AddressClassifier.restriction(parse(address))).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "93.184.216.34",
                "140.82.112.3",
                "1.1.1.1",
                "172.15.255.255",
                "172.32.0.1",
                "192.167.255.255",
                "192.169.0.1",
                "100.63.255.255",
                "100.128.0.1",
                "169.253.255.255",
                "169.255.0.1",
                "126.255.255.255",
                "128.0.0.1",
                "11.0.0.1",
                "223.255.255.255",
                "9.255.255.255",
                "2606:4700:4700::1111",
                "2a00:1450:4001::200e",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "2002:808:808::1",
                "fbff::1",
                "fe7f::1",
                "2001:db9::1"
            })
    void public_addresses_have_no_restriction(String address) throws Exception {
        assertThat(AddressClassifier.restriction(parse(address))).isEmpty();
    }

    /** The address as written: an IPv4-mapped IPv6 text stays a 16-byte IPv6 address (the JDK would make it IPv4). */
    private static InetAddress parse(String text) throws Exception {
        InetAddress parsed = InetAddress.getByName(text);
        if (parsed instanceof Inet4Address && text.contains(":")) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
            InetAddress v6 = Inet6Address.getByAddress(null, mapped, (NetworkInterface) null);
            assertThat(v6.getAddress()).hasSize(16);
            return v6;
        }
        return parsed;
    }
}
