package dev.repoworker.api.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time move of an earlier version's embedded store, the H2 file {@code DATA_DIR/repo-worker.mv.db}
 * (PostgreSQL migrations V1 and V2), into the embedded SQLite store. It runs at start, after the SQLite store is
 * migrated, only for the embedded default database:
 * <ul>
 * <li>SQLite holds no jobs yet: every job (a pending one due when its pending dispatch was, with its tries), every
 * event (renumbered 1..n per job) and every webhook id is copied in one transaction; then the H2 file is renamed to
 * {@code *.imported}, so it is never read twice;</li>
 * <li>SQLite already holds jobs: nothing is merged, the start fails naming both files;</li>
 * <li>H2 cannot be read (in use by a running earlier version, damaged): the start fails naming the file.</li>
 * </ul>
 * An H2 file is never skipped silently: it is imported or the start fails with an {@link IllegalStateException}
 * whose message is one line saying what to do.
 */
public final class LegacyH2Import {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyH2Import.class);

    static final String NAME = "repo-worker";
    static final String IMPORTED = ".imported";
    private static final int BATCH = 500;
    private static final String DATABASE_IN_USE = "90020";
    private static final String JOB_COLUMNS = "id, task, requested_task, status, input_json, secrets_sealed, "
            + "result_json, error, attempt, max_attempts, version, project_id, user_id, idempotency_key, runner, "
            + "worker_url, lease_until, processed_at, duration_ms, created_at, updated_at, completed_at";
    private static final int JOB_COLUMN_COUNT = JOB_COLUMNS.split(",").length;
    private static final String EVENT_COLUMNS = "id, job_id, seq, at, type, attempt, message, data_json";

    private LegacyH2Import() {}

    /** What was copied. */
    record Counts(int jobs, long events, int messages) {}

    /**
     * Imports {@code dataDir/repo-worker.mv.db} into {@code sqlite} if that file exists; does nothing otherwise.
     *
     * @param user     the user the earlier version opened H2 with ({@code DATABASE_USER}), or null
     * @param password its password, or null
     * @throws IllegalStateException when the file is there but cannot be imported; the message says what to do
     */
    public static void importIfPresent(Path dataDir, Database sqlite, String user, String password) {
        Path h2 = dataDir.resolve(NAME + ".mv.db");
        if (!Files.exists(h2)) {
            return;
        }
        Path target = h2.resolveSibling(h2.getFileName() + IMPORTED);
        if (Files.exists(target)) {
            throw new IllegalStateException(shown(h2) + " is the H2 database of an earlier version, but "
                    + shown(target) + " (an earlier import) is in the way: move one of them away and start again");
        }
        Counts counts;
        try (Connection source = openReadOnly(h2, user, password)) {
            requireJobsTable(source, h2);
            counts = sqlite.jdbi().inTransaction(h -> copy(source, h.getConnection(), h2));
        } catch (SQLException | CopyFailed e) {
            SQLException cause = e instanceof CopyFailed failed ? failed.sql : (SQLException) e;
            if (cause instanceof org.h2.jdbc.JdbcException) {
                throw cannotRead(h2, cause);
            }
            throw new IllegalStateException(
                    "importing the H2 database of an earlier version, " + shown(h2)
                            + ", into the SQLite job store failed (nothing was imported): " + firstLine(cause),
                    cause);
        }
        try {
            Files.move(h2, target);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "imported " + counts.jobs() + " jobs from " + shown(h2) + " but could not rename it to "
                            + shown(target) + " (" + e
                            + "): move it away before the next start, which refuses to import it twice",
                    e);
        }
        renameTraceFile(dataDir.resolve(NAME + ".trace.db"));
        LOG.info(
                "imported {} jobs and {} events from the H2 database of an earlier version ({} → {})",
                counts.jobs(),
                counts.events(),
                shown(h2),
                shown(target));
    }

    private static Connection openReadOnly(Path h2, String user, String password) throws SQLException {
        String base = h2.toAbsolutePath().toString();
        String url = "jdbc:h2:file:" + base.substring(0, base.length() - ".mv.db".length())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;ACCESS_MODE_DATA=r;IFEXISTS=TRUE";
        Properties credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        return new org.h2.Driver().connect(url, credentials);
    }

    private static void requireJobsTable(Connection source, Path h2) throws SQLException {
        if (!hasTable(source, "jobs")) {
            throw new IllegalStateException(
                    "cannot import " + shown(h2) + ": it has no jobs table, so it is not the job store "
                            + "of an earlier version; move it away and start again");
        }
    }

    private static Counts copy(Connection source, Connection target, Path h2) {
        try {
            long existing = countJobs(target);
            if (existing > 0) {
                throw new IllegalStateException("the SQLite job store " + shown(sqliteFile(target)) + " already holds "
                        + existing + (existing == 1 ? " job and " : " jobs and ") + shown(h2)
                        + " is the H2 database of an earlier version; they are not "
                        + "merged: move " + shown(h2)
                        + " away to keep the SQLite jobs (or move the SQLite store away to "
                        + "import the H2 jobs into a new one) and start again");
            }
            int jobs = copyJobs(source, target);
            long events = copyEvents(source, target);
            int messages = hasTable(source, "webhook_messages") ? copyMessages(source, target) : 0;
            return new Counts(jobs, events, messages);
        } catch (SQLException e) {
            throw new CopyFailed(e);
        }
    }

    /** Pending jobs are due when their earliest pending dispatch was (else when last updated), with its tries. */
    private static int copyJobs(Connection source, Connection target) throws SQLException {
        String pendingDue = "NULL";
        String pendingTries = "NULL";
        if (hasTable(source, "dispatches")) {
            pendingDue = "(SELECT MIN(d.due_at) FROM dispatches d WHERE d.job_id = j.id AND d.state = 'pending')";
            pendingTries = "(SELECT MAX(d.tries) FROM dispatches d WHERE d.job_id = j.id AND d.state = 'pending')";
        }
        String select = "SELECT " + JOB_COLUMNS.replaceAll("(^|, )", "$1j.") + ", " + pendingDue + " AS pending_due, "
                + pendingTries + " AS pending_tries FROM jobs j ORDER BY j.created_at, j.id";
        String insert = "INSERT INTO jobs (" + JOB_COLUMNS + ", due_at, dispatch_tries) VALUES ("
                + "?, ".repeat(JOB_COLUMN_COUNT) + "?, ?)";
        int count = 0;
        try (Statement read = source.createStatement();
                ResultSet rs = read.executeQuery(select);
                PreparedStatement write = target.prepareStatement(insert)) {
            while (rs.next()) {
                for (int i = 1; i <= JOB_COLUMN_COUNT; i++) {
                    write.setObject(i, rs.getObject(i));
                }
                boolean pending = "pending".equals(rs.getString("status"));
                long due = rs.getLong("pending_due");
                boolean hasDue = !rs.wasNull();
                int tries = rs.getInt("pending_tries");
                write.setObject(
                        JOB_COLUMN_COUNT + 1, pending ? (Long) (hasDue ? due : rs.getLong("updated_at")) : null);
                write.setInt(JOB_COLUMN_COUNT + 2, pending ? tries : 0);
                write.addBatch();
                if (++count % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        }
        return count;
    }

    /** Sequence numbers 1..n per job in (seq, at, id) order, so the store's unique (job_id, seq) holds. */
    private static long copyEvents(Connection source, Connection target) throws SQLException {
        String insert = "INSERT INTO job_events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        long count = 0;
        try (Statement read = source.createStatement();
                ResultSet rs =
                        read.executeQuery("SELECT " + EVENT_COLUMNS + " FROM job_events ORDER BY job_id, seq, at, id");
                PreparedStatement write = target.prepareStatement(insert)) {
            String job = null;
            long seq = 0;
            while (rs.next()) {
                String jobId = rs.getString("job_id");
                seq = jobId.equals(job) ? seq + 1 : 1;
                job = jobId;
                for (int i = 1; i <= 8; i++) {
                    write.setObject(i, i == 3 ? (Object) seq : rs.getObject(i));
                }
                write.addBatch();
                if (++count % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        }
        return count;
    }

    private static int copyMessages(Connection source, Connection target) throws SQLException {
        int count = 0;
        try (Statement read = source.createStatement();
                ResultSet rs = read.executeQuery("SELECT id, received_at, expires_at FROM webhook_messages");
                PreparedStatement write = target.prepareStatement(
                        "INSERT OR IGNORE INTO webhook_messages (id, received_at, expires_at) VALUES (?, ?, ?)")) {
            while (rs.next()) {
                write.setString(1, rs.getString(1));
                write.setLong(2, rs.getLong(2));
                write.setLong(3, rs.getLong(3));
                write.addBatch();
                if (++count % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        }
        return count;
    }

    private static long countJobs(Connection target) throws SQLException {
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jobs")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path sqliteFile(Connection target) throws SQLException {
        try (Statement s = target.createStatement();
                ResultSet rs = s.executeQuery("SELECT file FROM pragma_database_list WHERE name = 'main'")) {
            return rs.next() ? Path.of(rs.getString(1)) : Path.of("(the SQLite database)");
        }
    }

    private static boolean hasTable(Connection connection, String table) throws SQLException {
        try (ResultSet rs = connection.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        }
    }

    private static void renameTraceFile(Path trace) {
        if (Files.exists(trace)) {
            try {
                Files.move(trace, trace.resolveSibling(trace.getFileName() + IMPORTED));
            } catch (IOException e) {
                LOG.warn(
                        "could not rename H2's trace file {} after the import ({}); it is not read again",
                        shown(trace),
                        e.toString());
            }
        }
    }

    private static IllegalStateException cannotRead(Path h2, SQLException e) {
        String why = DATABASE_IN_USE.equals(e.getSQLState())
                ? "it is in use by another process (locked); stop the repo-worker of the earlier version that still runs on it, "
                        + "then start again (or move the file away to start without its jobs)"
                : "it cannot be read: " + reason(e)
                        + "; move the file away to start without its jobs (keep it to recover them) and start again";
        return new IllegalStateException(
                "cannot import the H2 database of an earlier version, " + shown(h2) + ": " + why, e);
    }

    /** H2's message and, when deeper, the root cause ({@code IO Exception: "…" [90028-240] (EOFException)}). */
    private static String reason(SQLException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e
                ? firstLine(e)
                : firstLine(e) + " (" + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : ": " + firstLine(root)) + ")";
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end).strip();
    }

    /** Relative to the working directory when inside it ({@code data/repo-worker.mv.db}), else absolute. */
    static String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here)
                ? here.relativize(absolute).toString()
                : absolute.toString();
    }

    /** An SQL failure inside the SQLite transaction, carried out of Jdbi's callback. */
    private static final class CopyFailed extends RuntimeException {
        private final SQLException sql;

        CopyFailed(SQLException sql) {
            super(sql);
            this.sql = sql;
        }
    }
}
