package dev.repoworker.api;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests: an embedded SQLite file in a temp directory, or a fresh schema on the machine's
 * PostgreSQL ({@code 127.0.0.1:5432/test}, user {@code postgres}). Without PostgreSQL the test is
 * skipped with the reason printed, except under {@code CI=true} where it fails.
 */
public final class TestDatabases {

    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String POSTGRES_USER = "postgres";

    private TestDatabases() {}

    /** The embedded store's kind of database: a SQLite file in {@code dir}. */
    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("jobs.db").toAbsolutePath();
    }

    /** A new, empty schema; the returned URL selects it. Call {@link #dropSchema} when done. */
    public static PostgresSchema createPostgresSchema() {
        String schema =
                "rw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES_URL + "?connectTimeout=3", POSTGRES_USER, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + POSTGRES_URL + " is not reachable: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + " (CI=true requires it)");
            }
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        return new PostgresSchema(schema, POSTGRES_URL + "?currentSchema=" + schema);
    }

    public static void dropSchema(PostgresSchema schema) {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema.name() + " CASCADE");
        } catch (SQLException e) {
            System.out.println("could not drop test schema " + schema.name() + ": " + e.getMessage());
        }
    }

    public record PostgresSchema(String name, String url) {}
}
