package dev.repoworker.api.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.api.job.Database;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ProjectStore} must do; subclasses supply a fresh database per test. */
abstract class ProjectStoreContract {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private Database database;
    private ProjectStore store;

    abstract Database openDatabase();

    @BeforeEach
    void openStore() {
        database = openDatabase();
        store = new JdbiProjectStore(database);
    }

    @AfterEach
    void closeStore() {
        if (database != null) {
            database.close();
        }
    }

    static Project project(String id, String branch, String sealed, Instant at) {
        return new Project(
                id,
                new Project.Settings(
                        "https://git.example.test/o/" + id,
                        branch,
                        "/notes",
                        "/_repo/medias",
                        "https://site.example.test",
                        "docs",
                        List.of("drafts/**", "*.tmp"),
                        List.of("https://hooks.example.test/a")),
                sealed,
                1,
                at,
                at);
    }

    @Test
    void a_created_project_is_found_with_every_setting_and_its_sealed_secrets() {
        Project project = project("blog", "main", "sealed-blob", T0);

        assertThat(store.create(project)).isTrue();

        assertThat(store.find("blog")).contains(project);
    }

    @Test
    void a_second_project_with_the_same_id_is_refused_and_the_first_stays() {
        store.create(project("blog", "main", null, T0));

        assertThat(store.create(project("blog", "other", "x", T0.plusSeconds(1))))
                .isFalse();

        assertThat(store.find("blog").orElseThrow().settings().branch()).isEqualTo("main");
    }

    @Test
    void an_update_replaces_settings_and_secrets_bumps_the_version_and_keeps_the_creation_time() {
        Project first = project("blog", "main", "old", T0);
        store.create(first);
        Project changed = first.changed(project("blog", "release", null, T0).settings(), null, T0.plusSeconds(60));

        assertThat(store.update(changed)).isTrue();

        Project found = store.find("blog").orElseThrow();
        assertThat(found.settings().branch()).isEqualTo("release");
        assertThat(found.sealedSecrets()).isNull();
        assertThat(found.version()).isEqualTo(2);
        assertThat(found.createdAt()).isEqualTo(T0);
        assertThat(found.updatedAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void an_update_made_from_a_version_that_has_changed_meanwhile_is_refused_and_writes_nothing() {
        Project first = project("blog", "main", "old", T0);
        store.create(first);
        store.update(first.changed(first.settings(), "theirs", T0.plusSeconds(1)));

        boolean stale =
                store.update(first.changed(project("blog", "mine", null, T0).settings(), "mine", T0.plusSeconds(2)));

        assertThat(stale).isFalse();
        assertThat(store.find("blog").orElseThrow().sealedSecrets()).isEqualTo("theirs");
    }

    @Test
    void an_unknown_project_is_not_found_and_not_updated() {
        assertThat(store.find("nope")).isEmpty();
        assertThat(store.update(project("nope", "main", null, T0)
                        .changed(project("nope", "x", null, T0).settings(), null, T0)))
                .isFalse();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void projects_are_found_by_the_key_of_their_repository_url_as_created_and_as_updated() {
        store.create(project("alpha", "main", null, T0));
        store.create(project("beta", "main", null, T0));
        Project gamma = project("gamma", "main", null, T0);
        store.create(gamma);
        Project.Settings moved = new Project.Settings(
                "git@GIT.example.test:o/alpha.git", "main", null, null, null, null, null, List.of());
        assertThat(store.update(gamma.changed(moved, null, T0.plusSeconds(1)))).isTrue();

        assertThat(store.ofRepository(List.of("git.example.test/o/alpha", "git.example.test/o/nobody")))
                .extracting(Project::id)
                .containsExactly("alpha", "gamma");
        assertThat(store.ofRepository(List.of("git.example.test/o/gamma"))).isEmpty();
        assertThat(store.ofRepository(List.of())).isEmpty();
    }

    @Test
    void projects_are_listed_by_id() {
        store.create(project("zeta", "main", null, T0));
        store.create(project("alpha", "main", null, T0));

        assertThat(store.list()).extracting(Project::id).containsExactly("alpha", "zeta");
    }
}
