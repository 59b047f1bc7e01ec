package dev.repoworker.api.project;

import dev.repoworker.api.github.RepositoryKey;
import dev.repoworker.api.job.Columns;
import dev.repoworker.api.job.Database;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link ProjectStore} on the job store's database (SQLite or PostgreSQL), through Jdbi. */
public final class JdbiProjectStore implements ProjectStore {

    private static final RowMapper<Project> MAPPER =
            (ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) -> new Project(
                    rs.getString("id"),
                    settings(rs.getString("settings_json")),
                    rs.getString("secrets_sealed"),
                    rs.getInt("version"),
                    Columns.instant(rs, "created_at"),
                    Columns.instant(rs, "updated_at"));

    private final Database database;

    public JdbiProjectStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean create(Project project) {
        try {
            database.jdbi()
                    .useHandle(h -> h.createUpdate(
                                    "INSERT INTO projects (id, settings_json, repository_key, secrets_sealed, version, created_at, "
                                            + "updated_at) VALUES (:id, :settings, :repositoryKey, :secrets, :version, :createdAt, :updatedAt)")
                            .bind("version", project.version())
                            .bind("id", project.id())
                            .bind("settings", Json.write(project.settings()))
                            .bind("repositoryKey", repositoryKey(project.settings()))
                            .bind("secrets", project.sealedSecrets())
                            .bind("createdAt", project.createdAt().toEpochMilli())
                            .bind("updatedAt", project.updatedAt().toEpochMilli())
                            .execute());
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<Project> find(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM projects WHERE id = :id")
                        .bind("id", id)
                        .map(MAPPER)
                        .findOne());
    }

    @Override
    public List<Project> list() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM projects ORDER BY id")
                        .map(MAPPER)
                        .list());
    }

    @Override
    public List<Project> ofRepository(Collection<String> repositoryKeys) {
        if (repositoryKeys.isEmpty()) {
            return List.of();
        }
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM projects WHERE repository_key IN (<keys>) ORDER BY id")
                        .bindList("keys", List.copyOf(repositoryKeys))
                        .map(MAPPER)
                        .list());
    }

    @Override
    public boolean update(Project next) {
        return database.jdbi()
                        .withHandle(h -> h.createUpdate(
                                        "UPDATE projects SET settings_json = :settings, repository_key = :repositoryKey, "
                                                + "secrets_sealed = :secrets, version = :version, updated_at = :updatedAt WHERE id = :id AND version = :previous")
                                .bind("id", next.id())
                                .bind("settings", Json.write(next.settings()))
                                .bind("repositoryKey", repositoryKey(next.settings()))
                                .bind("secrets", next.sealedSecrets())
                                .bind("version", next.version())
                                .bind("previous", next.version() - 1)
                                .bind("updatedAt", next.updatedAt().toEpochMilli())
                                .execute())
                == 1;
    }

    static String repositoryKey(Project.Settings settings) {
        return RepositoryKey.of(settings.repoUrl());
    }

    static Project.Settings settings(String json) {
        try {
            return Json.mapper().readValue(json, Project.Settings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored project's settings are not readable", e);
        }
    }
}
