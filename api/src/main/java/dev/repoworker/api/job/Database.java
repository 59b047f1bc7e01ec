package dev.repoworker.api.job;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.repoworker.protocol.Env;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool and schema of one database, migrated by Flyway on open (one migration history per
 * kind of store) and closed with the app.
 *
 * <p>The embedded store is SQLite in WAL mode with {@code synchronous=FULL}: every commit is on disk (fsync of
 * the write-ahead log) before it returns, so a 2xx that follows a commit survives {@code kill -9} and a power
 * cut. Write transactions start {@code IMMEDIATE} (they take the one write lock at {@code BEGIN}, so two
 * writers queue on the busy timeout instead of failing on a lock upgrade).
 */
public final class Database implements AutoCloseable {

    /** The kinds of database the job store runs on. */
    public enum Kind {
        POSTGRES("db/postgresql"),
        SQLITE("db/sqlite");

        private final String migrations;

        Kind(String migrations) {
            this.migrations = migrations;
        }

        public static Kind of(String url) {
            if (url.startsWith("jdbc:postgresql:")) {
                return POSTGRES;
            }
            if (url.startsWith("jdbc:sqlite:")) {
                return SQLITE;
            }
            throw new Env.InvalidConfigException(
                    "DATABASE_URL",
                    "must be postgres://…, jdbc:postgresql://… or jdbc:sqlite:<file>, got '"
                            + url.replaceAll("//[^@/]*@", "//…@") + "'");
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Kind kind;

    private Database(HikariDataSource dataSource, Kind kind) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.kind = kind;
    }

    /** Opens a pool on {@code url} and applies the migrations of its kind. */
    public static Database open(String url, String user, String password, int maxConnections) {
        return open(url, user, password, maxConnections, Duration.ofSeconds(30));
    }

    /**
     * @param connectTimeout how long a caller waits for a pooled connection before it fails, so a database
     *                       that is down makes requests fail fast (and {@code /ready} answer 503) instead of hanging
     */
    public static Database open(String url, String user, String password, int maxConnections, Duration connectTimeout) {
        Kind kind = Kind.of(url);
        if (kind == Kind.SQLITE) {
            createFolderOf(url.substring("jdbc:sqlite:".length()));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(maxConnections);
        config.setPoolName("repo-worker-api");
        config.setInitializationFailTimeout(
                1); // one attempt: a start against a database that is not there fails at once
        config.setConnectionTimeout(connectTimeout.toMillis());
        config.setValidationTimeout(Math.min(connectTimeout.toMillis(), 5_000));
        if (kind == Kind.POSTGRES) {
            // a JDBC batch of inserts goes out as multi-row INSERT statements
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        if (kind == Kind.SQLITE) {
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("busy_timeout", "30000");
            config.addDataSourceProperty("foreign_keys", "true");
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw DatabaseOpenFailure.explain(url, kind, e);
        }
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:" + kind.migrations)
                    .load()
                    .migrate();
            return new Database(dataSource, kind);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static void createFolderOf(String file) {
        java.nio.file.Path parent = java.nio.file.Path.of(
                        file.contains("?") ? file.substring(0, file.indexOf('?')) : file)
                .toAbsolutePath()
                .getParent();
        try {
            java.nio.file.Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the database folder " + parent + ": " + e.getMessage(), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isPostgres() {
        return kind == Kind.POSTGRES;
    }

    /** True when {@code e} (or a cause) is a unique-constraint violation, on either kind of database. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && (UNIQUE_VIOLATION.equals(sql.getSQLState())
                            || String.valueOf(sql.getMessage()).contains("UNIQUE constraint failed"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
