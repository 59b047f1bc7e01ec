import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * Which embedded store can promise "a 2xx means on disk", and at what cost: commits per second of one writer
 * on one connection, one job row per transaction and 100 per transaction, for SQLite (WAL, synchronous=FULL:
 * an fsync per commit) and H2 (its default write delay keeps commits in memory up to 0.5 s; made durable only
 * by a CHECKPOINT SYNC after each commit). Usage: StoreBench [seconds per case]
 */
public class StoreBench {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("store-bench");
        System.out.printf("%-44s %12s %12s%n", "store", "commits/s", "rows/s");
        for (int batch : new int[] {1, 100}) {
            run("SQLite WAL synchronous=FULL, batch " + batch, sqlite(dir.resolve("s" + batch + ".db")), batch, null, seconds);
            run("H2 default (not durable), batch " + batch, h2(dir.resolve("h" + batch)), batch, null, seconds);
            run("H2 + CHECKPOINT SYNC per commit, batch " + batch, h2(dir.resolve("hs" + batch)), batch, "CHECKPOINT SYNC", seconds);
        }
    }

    static Connection sqlite(Path file) throws Exception {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        return DriverManager.getConnection("jdbc:sqlite:" + file, p);
    }

    static Connection h2(Path file) throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    }

    static void run(String label, Connection c, int batch, String afterCommit, int seconds) throws Exception {
        try (c; Statement s = c.createStatement()) {
            s.execute("CREATE TABLE jobs (id VARCHAR(36) PRIMARY KEY, status VARCHAR(16), input_json VARCHAR, created_at BIGINT)");
            c.setAutoCommit(false);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            long commits = 0;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO jobs VALUES (?, 'pending', '{\"durationMs\":0}', ?)")) {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < batch; i++) {
                        insert.setString(1, UUID.randomUUID().toString());
                        insert.setLong(2, System.currentTimeMillis());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    c.commit();
                    if (afterCommit != null) {
                        s.execute(afterCommit);
                    }
                    commits++;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-44s %12.0f %12.0f%n", label, commits / elapsed, commits * batch / elapsed);
        }
    }
}
