package dev.repoworker.api.job;

import dev.repoworker.protocol.StartupException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Properties;

/** Turns a failure to open the database into one line that says what is wrong and which variable to change. */
final class DatabaseOpenFailure {

    private static final String INVALID_CATALOG = "3D000";
    /** invalid_password, invalid_authorization_specification. */
    private static final java.util.Set<String> LOGIN_REFUSED = java.util.Set.of("28P01", "28000");

    private DatabaseOpenFailure() {}

    static StartupException explain(String url, Database.Kind kind, Throwable failure) {
        if (kind == Database.Kind.SQLITE) {
            String file = url.substring("jdbc:sqlite:".length());
            return new StartupException(
                    "cannot open the database " + file + ": " + firstLine(rootCause(failure))
                            + " (DATA_DIR or DATABASE_URL)",
                    failure);
        }
        Properties parsed = org.postgresql.Driver.parseURL(url, null);
        String host = parsed == null ? "?" : parsed.getProperty("PGHOST", "localhost");
        String port = parsed == null ? "?" : parsed.getProperty("PGPORT", "5432");
        String database = parsed == null ? "?" : parsed.getProperty("PGDBNAME", "");
        String at = host + ":" + port;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return new StartupException(
                        "cannot reach PostgreSQL at " + at + ": connection refused (DATABASE_URL)", failure);
            }
            if (cause instanceof UnknownHostException) {
                return new StartupException(
                        "cannot reach PostgreSQL at " + at + ": unknown host (DATABASE_URL)", failure);
            }
            if (cause instanceof SocketTimeoutException) {
                return new StartupException("cannot reach PostgreSQL at " + at + ": no answer (DATABASE_URL)", failure);
            }
            if (cause instanceof SQLException sql && INVALID_CATALOG.equals(sql.getSQLState())) {
                return new StartupException(
                        "PostgreSQL at " + at + " has no database '" + database + "' (DATABASE_URL)", failure);
            }
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && LOGIN_REFUSED.contains(sql.getSQLState())) {
                return new StartupException(
                        "PostgreSQL at " + at + " refused the login: " + firstLine(sql)
                                + " (DATABASE_USER, DATABASE_PASSWORD or DATABASE_URL)",
                        failure);
            }
        }
        return new StartupException(
                "cannot open PostgreSQL at " + at + ": " + firstLine(rootCause(failure)) + " (DATABASE_URL)", failure);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
