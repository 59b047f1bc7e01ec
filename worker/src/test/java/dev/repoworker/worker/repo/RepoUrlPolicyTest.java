package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.net.FakeDns;
import dev.repoworker.protocol.net.NetworkPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoUrlPolicyTest {

    final FakeDns dns = new FakeDns()
            .answer("code.example.com", "93.184.216.34")
            .answer("a.b.example.com", "2606:2800:220:1:248:1893:25c8:1946")
            .answer("intranet.example.com", "10.0.0.8")
            .answer("meta.example.com", "93.184.216.34", "169.254.169.254");
    final RepoUrlPolicy strict = new RepoUrlPolicy(
            List.of("github.com", "*.example.com", "git.local:8443"), false, false, new NetworkPolicy(false, dns));
    final RepoUrlPolicy local = new RepoUrlPolicy(List.of("127.0.0.1"), true, true);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://github.com/acme/notes",
                "https://github.com/acme/notes.git",
                "https://GitHub.com/acme/notes",
                "https://github.com./acme/notes",
                "https://code.example.com/acme/notes",
                "https://a.b.example.com/acme/notes",
                "https://git.local:8443/acme/notes",
                "https://github.com/acme/notes?ref=x"
            })
    void allowed_https_urls_pass(String url) {
        assertThat(strict.problem(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://gitlab.com/acme/notes",
                "https://github.com.evil.io/acme/notes",
                "https://evilgithub.com/acme/notes",
                "https://example.com/acme/notes",
                "https://git.local/acme/notes",
                "https://git.local:9999/acme/notes",
                "https://user:pass@github.com/acme/notes",
                "https://github.com@evil.io/acme/notes",
                "https://x-access-token@github.com/acme/notes",
                "http://github.com/acme/notes",
                "ssh://git@github.com/acme/notes",
                "git://github.com/acme/notes",
                "ftp://github.com/acme/notes",
                "file:///etc/passwd",
                "ext::sh -c touch% /tmp/pwned",
                "git@github.com:acme/notes.git",
                "/srv/repos/notes",
                "https:///acme/notes",
                "https://github.com",
                "https://github.com/",
                "https://github.com/acme/notes#frag",
                "https://github.com/acme notes",
                "https://github.com/acme/notes\n",
                "https://exa_mple.com/acme/notes",
                "https://evil.example.com\\@github.com/acme/notes",
                "https://2130706433/acme/notes",
                "https://0x7f.1/acme/notes",
                "https://intranet.example.com/acme/notes",
                "https://meta.example.com/acme/notes",
                "https://unknown.example.com/acme/notes",
                "",
                "   "
            })
    void other_urls_are_rejected(String url) {
        assertThat(strict.problem(url)).isPresent();
    }

    @Test
    void user_info_is_rejected_without_echoing_it() {
        assertThat(strict.problem("https://user:s3cret@github.com/a/b"))
                .get()
                .asString()
                .contains("credentials")
                .doesNotContain("s3cret");
    }

    @Test
    void http_and_file_need_their_flags() {
        assertThat(local.problem("http://127.0.0.1:8080/notes.git")).isEmpty();
        assertThat(local.problem("file:///srv/repos/notes.git")).isEmpty();
        assertThat(local.problem("file://localhost/srv/repos/notes.git")).isEmpty();
        assertThat(local.problem("file://otherhost/srv/repos/notes.git")).isPresent();
        assertThat(local.problem("http://10.0.0.1/notes.git")).get().asString().contains("not allowed");
        assertThat(strict.problem("http://github.com/a/b")).contains("must use https");
        assertThat(strict.problem("file:///srv/repos/notes.git")).contains("file: repositories are not allowed");
    }

    @Test
    void wildcard_hosts_must_resolve_to_public_addresses_and_exact_ones_are_trusted() throws Exception {
        assertThat(strict.problem("https://intranet.example.com/a/b"))
                .get()
                .asString()
                .contains("resolves to a private address")
                .contains("ALLOW_PRIVATE_NETWORKS")
                .doesNotContain("10.0.0.8");
        assertThat(strict.problem("https://meta.example.com/a/b"))
                .get()
                .asString()
                .contains("link-local");
        assertThat(strict.problem("https://unknown.example.com/a/b"))
                .contains("host 'unknown.example.com' could not be resolved");
        assertThat(strict.addressesToConnect("https://code.example.com/a/b"))
                .extracting(java.net.InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
        assertThat(strict.addressesToConnect("https://github.com/a/b")).isEmpty();
        assertThat(local.addressesToConnect("file:///srv/repos/notes.git")).isEmpty();
        assertThatThrownBy(() -> strict.addressesToConnect("https://intranet.example.com/a/b"))
                .hasMessageStartingWith(
                        "repository URL not allowed: host 'intranet.example.com' resolves to a private address");
        RepoUrlPolicy open = new RepoUrlPolicy(List.of("*.example.com"), false, false, new NetworkPolicy(true, dns));
        assertThat(open.problem("https://intranet.example.com/a/b")).isEmpty();
        assertThat(open.problem("https://0x7f.1/a/b")).get().asString().contains("four decimal numbers");
    }

    @Test
    void non_canonical_numeric_hosts_are_named_as_such() {
        for (String url : List.of(
                "https://2130706433/a/b", "https://0177.0.0.1/a/b", "https://0x7f.1/a/b", "https://127.1/a/b")) {
            assertThat(strict.problem(url)).get().asString().as(url).contains("four decimal numbers");
        }
    }

    @Test
    void display_url_strips_credentials_query_and_fragment() {
        assertThat(RepoUrlPolicy.displayUrl("https://user:pass@github.com/acme/notes.git?token=abc#x"))
                .isEqualTo("https://github.com/acme/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("http://127.0.0.1:8080/notes.git"))
                .isEqualTo("http://127.0.0.1:8080/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("file:///srv/notes.git")).isEqualTo("file:///srv/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("https://tok en@github.com/a b?x")).doesNotContain("tok");
    }
}
