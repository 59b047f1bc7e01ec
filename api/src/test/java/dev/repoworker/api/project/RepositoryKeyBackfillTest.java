package dev.repoworker.api.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.api.TestDatabases;
import dev.repoworker.api.job.Database;
import dev.repoworker.protocol.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projects stored before {@code projects.repository_key} existed get their key from the migrations that add it. */
class RepositoryKeyBackfillTest {

    @TempDir
    Path dir;

    @Test
    void an_embedded_store_of_the_version_before_finds_its_projects_by_repository_after_the_upgrade() throws Exception {
        String url = TestDatabases.sqliteUrl(dir);

        storeBefore(url, null, "db/sqlite", "5");

        assertFoundAfterUpgrade(Database.open(url, null, null, 2));
    }

    @Test
    void a_postgresql_store_of_the_version_before_finds_its_projects_by_repository_after_the_upgrade()
            throws Exception {
        TestDatabases.PostgresSchema schema = TestDatabases.createPostgresSchema();
        try {
            storeBefore(schema.url(), TestDatabases.POSTGRES_USER, "db/postgresql", "7");

            assertFoundAfterUpgrade(Database.open(schema.url(), TestDatabases.POSTGRES_USER, null, 2));
        } finally {
            TestDatabases.dropSchema(schema);
        }
    }

    /** The schema up to {@code version}, and two projects written as that version wrote them. */
    private static void storeBefore(String url, String user, String migrations, String version) throws Exception {
        Flyway.configure()
                .dataSource(url, user, null)
                .locations("classpath:" + migrations)
                .target(version)
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement insert = c.prepareStatement("INSERT INTO projects (id, settings_json, "
                        + "secrets_sealed, version, created_at, updated_at) VALUES (?, ?, NULL, 1, 0, 0)")) {
            for (String[] project : List.of(
                    new String[] {"notes", "https://GitHub.com/Acme/Notes.git"},
                    new String[] {"other", "https://github.com/acme/other"})) {
                insert.setString(1, project[0]);
                insert.setString(
                        2,
                        Json.write(new Project.Settings(project[1], "main", null, null, null, null, null, List.of())));
                insert.executeUpdate();
            }
        }
    }

    private static void assertFoundAfterUpgrade(Database upgraded) {
        try (upgraded) {
            assertThat(new JdbiProjectStore(upgraded).ofRepository(List.of("github.com/acme/notes")))
                    .extracting(Project::id)
                    .containsExactly("notes");
        }
    }
}
