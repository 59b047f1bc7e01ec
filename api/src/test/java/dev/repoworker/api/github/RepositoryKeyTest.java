package dev.repoworker.api.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryKeyTest {

    @Test
    void every_url_github_names_a_repository_by_has_the_same_key() {
        assertThat(RepositoryKey.of("https://github.com/Acme/Notes.git")).isEqualTo("github.com/acme/notes");
        assertThat(RepositoryKey.of("https://github.com/acme/notes")).isEqualTo("github.com/acme/notes");
        assertThat(RepositoryKey.of("https://github.com/acme/notes/")).isEqualTo("github.com/acme/notes");
        assertThat(RepositoryKey.of("git@github.com:acme/notes.git")).isEqualTo("github.com/acme/notes");
        assertThat(RepositoryKey.of("ssh://git@github.com/acme/notes.git")).isEqualTo("github.com/acme/notes");
        assertThat(RepositoryKey.of("git://github.com/acme/notes.git")).isEqualTo("github.com/acme/notes");
    }

    @Test
    void other_repositories_and_other_hosts_have_other_keys() {
        assertThat(RepositoryKey.of("https://github.com/acme/notes-old"))
                .isNotEqualTo(RepositoryKey.of("https://github.com/acme/notes"));
        assertThat(RepositoryKey.of("https://gitlab.com/acme/notes"))
                .isNotEqualTo(RepositoryKey.of("https://github.com/acme/notes"));
        assertThat(RepositoryKey.of("http://127.0.0.1:8080/notes.git")).isEqualTo("127.0.0.1:8080/notes");
        assertThat(RepositoryKey.of(null)).isNull();
    }
}
