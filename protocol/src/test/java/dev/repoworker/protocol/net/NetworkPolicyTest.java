package dev.repoworker.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkPolicyTest {

    final FakeDns dns = new FakeDns()
            .answer("public.example.test", "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
            .answer("loopback.example.test", "127.0.0.1")
            .answer("metadata.example.test", "169.254.169.254")
            .answer("mixed.example.test", "93.184.216.34", "10.0.0.7")
            .answer("mapped.example.test", "::ffff:127.0.0.1")
            .answer("ula.example.test", "fd00::5");
    final NetworkPolicy strict = new NetworkPolicy(false, dns);

    @Test
    void a_public_host_gives_every_address_it_resolves_to() throws Exception {
        assertThat(strict.check("public.example.test", false))
                .extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946");
        assertThat(strict.check("8.8.8.8", false))
                .extracting(InetAddress::getHostAddress)
                .containsExactly("8.8.8.8");
        assertThat(strict.check("[2606:4700:4700::1111]", false)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "loopback.example.test",
                "metadata.example.test",
                "mixed.example.test",
                "mapped.example.test",
                "ula.example.test",
                "127.0.0.1",
                "169.254.169.254",
                "10.1.2.3",
                "100.64.0.1",
                "0.0.0.0",
                "[::1]",
                "[::]",
                "[::ffff:127.0.0.1]",
                "[::ffff:a9fe:a9fe]",
                "[fe80::1]",
                "[fd00::1]",
                "224.0.0.1",
                "255.255.255.255"
            })
    void a_host_with_any_non_public_address_is_refused(String host) {
        assertThatThrownBy(() -> strict.check(host, false))
                .isInstanceOfSatisfying(NetworkPolicy.RefusedHost.class, e -> {
                    assertThat(e.refusal()).isEqualTo(NetworkPolicy.Refusal.PRIVATE);
                    assertThat(e.getMessage())
                            .contains("host '" + host + "'")
                            .contains("address")
                            .doesNotContain("10.0.0.7");
                });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f000001", "[fe80::1%25eth0]", "[::1%lo]"})
    void malformed_numeric_hosts_are_refused_whatever_the_configuration(String host) {
        for (NetworkPolicy policy : new NetworkPolicy[] {strict, new NetworkPolicy(true, dns)}) {
            for (boolean trusted : new boolean[] {false, true}) {
                assertThatThrownBy(() -> policy.check(host, trusted))
                        .isInstanceOfSatisfying(
                                NetworkPolicy.RefusedHost.class,
                                e -> assertThat(e.refusal()).isEqualTo(NetworkPolicy.Refusal.MALFORMED));
            }
        }
    }

    @Test
    void an_unresolvable_host_is_refused_as_such() {
        assertThatThrownBy(() -> strict.check("nowhere.example.test", false))
                .isInstanceOfSatisfying(NetworkPolicy.RefusedHost.class, e -> {
                    assertThat(e.refusal()).isEqualTo(NetworkPolicy.Refusal.UNRESOLVABLE);
                    assertThat(e.getMessage()).isEqualTo("host 'nowhere.example.test' could not be resolved");
                });
    }

    @Test
    void trusted_hosts_and_allowed_private_networks_are_neither_resolved_nor_checked() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver counting = host -> {
            lookups.incrementAndGet();
            return dns.resolve(host);
        };
        assertThat(new NetworkPolicy(false, counting).check("loopback.example.test", true))
                .isEmpty();
        assertThat(new NetworkPolicy(false, counting).check("127.0.0.1", true)).isEmpty();
        assertThat(new NetworkPolicy(true, counting).check("loopback.example.test", false))
                .isEmpty();
        assertThat(new NetworkPolicy(true, counting).check("[::1]", false)).isEmpty();
        assertThat(new NetworkPolicy(true, counting).check("169.254.169.254", false))
                .isEmpty();
        assertThat(lookups).hasValue(0);
    }

    @Test
    void the_answer_is_read_again_at_every_check() throws Exception {
        FakeDns rebinding = new FakeDns().answer("rebind.example.test", "93.184.216.34");
        NetworkPolicy policy = new NetworkPolicy(false, rebinding);
        assertThat(policy.check("rebind.example.test", false)).hasSize(1);

        rebinding.answer("rebind.example.test", "127.0.0.1");

        assertThatThrownBy(() -> policy.check("rebind.example.test", false))
                .hasMessage("host 'rebind.example.test' resolves to a loopback address");
    }
}
