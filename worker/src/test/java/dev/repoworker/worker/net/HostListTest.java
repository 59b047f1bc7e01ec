package dev.repoworker.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostListTest {

    final HostList list = HostList.of(List.of(
            "API.internal", "*.example.com", "git.local:8443", "127.0.0.1", "[::1]:8080", "fd00::1", " ", "bad:port"));

    @Test
    void exact_entries_match_exactly_on_any_port_or_the_one_named() {
        assertThat(list.match("api.internal", -1)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("API.INTERNAL.", 3000)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("git.local", 8443)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("git.local", 443)).isEqualTo(HostList.Match.NONE);
        assertThat(list.match("127.0.0.1", 9)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("[::1]", 8080)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("[::1]", 80)).isEqualTo(HostList.Match.NONE);
        assertThat(list.match("[fd00::1]", 80)).isEqualTo(HostList.Match.EXACT);
        assertThat(list.match("sub.api.internal", -1)).isEqualTo(HostList.Match.NONE);
    }

    @Test
    void wildcards_match_subdomains_only_and_never_ip_addresses() {
        assertThat(list.match("code.example.com", -1)).isEqualTo(HostList.Match.WILDCARD);
        assertThat(list.match("a.b.example.com", 443)).isEqualTo(HostList.Match.WILDCARD);
        assertThat(list.match("example.com", -1)).isEqualTo(HostList.Match.NONE);
        assertThat(list.match("evilexample.com", -1)).isEqualTo(HostList.Match.NONE);
        HostList numeric = HostList.of(List.of("*.0.0.1", "*.1"));
        assertThat(numeric.match("127.0.0.1", -1)).isEqualTo(HostList.Match.NONE);
        assertThat(numeric.match("10.0.0.1", -1)).isEqualTo(HostList.Match.NONE);
    }

    @Test
    void an_empty_list_is_empty() {
        assertThat(HostList.of(List.of(" ", "")).isEmpty()).isTrue();
        assertThat(list.isEmpty()).isFalse();
    }
}
