package dev.repoworker.api.project;

import dev.repoworker.api.github.RepositoryKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills {@code projects.repository_key} of the projects stored before the column was added: the key is computed by
 * {@link RepositoryKey}, which SQL cannot do. Each kind of database runs it as the migration after the one that
 * adds the column ({@code db.sqlite}, {@code db.postgresql}: Flyway finds Java migrations beside the scripts).
 */
public abstract class RepositoryKeyBackfill extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        Map<String, String> keys = new LinkedHashMap<>();
        try (Statement read = connection.createStatement();
                ResultSet rs = read.executeQuery("SELECT id, settings_json FROM projects")) {
            while (rs.next()) {
                keys.put(
                        rs.getString("id"),
                        JdbiProjectStore.repositoryKey(JdbiProjectStore.settings(rs.getString("settings_json"))));
            }
        }
        try (PreparedStatement write =
                connection.prepareStatement("UPDATE projects SET repository_key = ? WHERE id = ?")) {
            for (Map.Entry<String, String> project : keys.entrySet()) {
                write.setString(1, project.getValue());
                write.setString(2, project.getKey());
                write.addBatch();
            }
            write.executeBatch();
        }
    }
}
