package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoUrlPolicyTest {

    final RepoUrlPolicy strict = new RepoUrlPolicy(List.of("github.com", "*.example.com", "git.local:8443"), false, false);
    final RepoUrlPolicy local = new RepoUrlPolicy(List.of("127.0.0.1"), true, true);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://github.com/acme/notes",
            "https://github.com/acme/notes.git",
            "https://GitHub.com/acme/notes",
            "https://github.com./acme/notes",
            "https://code.example.com/acme/notes",
            "https://a.b.example.com/acme/notes",
            "https://git.local:8443/acme/notes",
            "https://github.com/acme/notes?ref=x"})
    void allowed_https_urls_pass(String url) {
        assertThat(strict.problem(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
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
            "",
            "   "})
    void other_urls_are_rejected(String url) {
        assertThat(strict.problem(url)).isPresent();
    }

    @Test
    void user_info_is_rejected_without_echoing_it() {
        assertThat(strict.problem("https://user:s3cret@github.com/a/b")).get().asString()
                .contains("credentials").doesNotContain("s3cret");
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
    void display_url_strips_credentials_query_and_fragment() {
        assertThat(RepoUrlPolicy.displayUrl("https://user:pass@github.com/acme/notes.git?token=abc#x"))
                .isEqualTo("https://github.com/acme/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("http://127.0.0.1:8080/notes.git")).isEqualTo("http://127.0.0.1:8080/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("file:///srv/notes.git")).isEqualTo("file:///srv/notes.git");
        assertThat(RepoUrlPolicy.displayUrl("https://tok en@github.com/a b?x")).doesNotContain("tok");
    }
}
