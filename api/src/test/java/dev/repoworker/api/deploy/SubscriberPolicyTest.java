package dev.repoworker.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.net.NetworkPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Subscriber URLs meet the Worker's network rules on save and again before each send, when DNS may answer otherwise. */
class SubscriberPolicyTest {

    @Test
    void private_loopback_link_local_and_metadata_addresses_are_refused_on_save() {
        SubscriberPolicy policy = new SubscriberPolicy(false, host -> List.of(InetAddress.getByName("93.184.216.34")));

        assertThat(policy.refusalOnSave("http://127.0.0.1:8080/hook"))
                .hasValueSatisfying(m -> assertThat(m).contains("loopback"));
        assertThat(policy.refusalOnSave("http://10.1.2.3/hook"))
                .hasValueSatisfying(m -> assertThat(m).contains("private"));
        assertThat(policy.refusalOnSave("http://192.168.0.10/hook")).isPresent();
        assertThat(policy.refusalOnSave("http://169.254.169.254/latest/meta-data"))
                .hasValueSatisfying(m -> assertThat(m).contains("link-local"));
        assertThat(policy.refusalOnSave("http://[::1]/hook")).isPresent();
        assertThat(policy.refusalOnSave("http://127.1/hook")).isPresent();
        assertThat(policy.refusalOnSave("https://hooks.example.test/deploys")).isEmpty();
    }

    @Test
    void a_name_that_resolves_to_a_private_address_is_refused_and_one_that_does_not_resolve_yet_is_accepted_on_save() {
        SubscriberPolicy policy = new SubscriberPolicy(false, host -> switch (host) {
            case "inside.example.test" -> List.of(InetAddress.getByName("10.0.0.5"));
            default -> throw new UnknownHostException(host);
        });

        assertThat(policy.refusalOnSave("https://inside.example.test/hook")).isPresent();
        assertThat(policy.refusalOnSave("https://later.example.test/hook")).isEmpty();
    }

    @Test
    void a_name_that_moved_to_a_private_address_after_save_is_refused_before_the_send() throws Exception {
        AtomicReference<String> address = new AtomicReference<>("93.184.216.34");
        SubscriberPolicy policy = new SubscriberPolicy(false, host -> List.of(InetAddress.getByName(address.get())));
        assertThat(policy.refusalOnSave("https://hooks.example.test/deploys")).isEmpty();
        policy.checkBeforeSend(URI.create("https://hooks.example.test/deploys"));

        address.set("169.254.169.254");

        assertThatThrownBy(() -> policy.checkBeforeSend(URI.create("https://hooks.example.test/deploys")))
                .isInstanceOf(NetworkPolicy.RefusedHost.class)
                .hasMessageContaining("link-local");
    }

    @Test
    void allowing_private_networks_lets_a_loopback_receiver_through_as_tests_and_development_need() {
        SubscriberPolicy policy = new SubscriberPolicy(true, host -> List.of(InetAddress.getByName("127.0.0.1")));

        assertThat(policy.refusalOnSave("http://127.0.0.1:8080/hook")).isEmpty();
    }
}
