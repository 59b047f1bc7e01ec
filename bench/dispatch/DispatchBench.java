import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-loop dispatch benchmark. For every run it starts {@code repo-worker standalone} (a separate
 * process) on a fresh PostgreSQL schema, warms it up, then submits {@code noop} jobs (durationMs 0)
 * at a fixed arrival rate for the run's length and measures:
 * <ul>
 *   <li>submit latency: intended send time → 202 (so a stalled server is charged for the wait,
 *       no coordinated omission);</li>
 *   <li>submit → completed: the job's {@code completed_at} in the database (stamped by the API when
 *       the callback is applied) minus the intended send time — read once after the run, so measuring
 *       adds no load;</li>
 *   <li>end-to-end throughput: jobs whose {@code completed_at} falls in the steady window
 *       (the run minus its first 10 s, or its first third when it is shorter than 30 s), per second.</li>
 * </ul>
 * After each run, with the server stopped, a baseline on the same database: one connection, autocommit,
 * one single-row INSERT per transaction for {@value #BASELINE_SECONDS} s (pgbench-style), in commits/s,
 * and the ratio of the run's end-to-end jobs/s to it.
 *
 * <p>{@code --store embedded}: the same load on {@code standalone} with its embedded default store (no
 * {@code DATABASE_URL}, a fresh temporary {@code DATA_DIR} per run). Whether a job is still open is asked over
 * HTTP while it runs; the completion times are read afterwards, with the server stopped, from the database whose
 * URL {@code standalone} prints in its start line (H2 or SQLite: both drivers are in the jar), and the baseline
 * runs against a scratch file of the same kind in the same folder.
 *
 * <p>Usage: {@code DispatchBench <jar> <postgres|embedded> <seconds> <rate|max>...}; "max" offers far more than
 * the system takes (in-flight submissions capped) and reports what it sustains; a later "80%" means 80 % of
 * that figure.
 */
public class DispatchBench {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final int MAX_IN_FLIGHT = 64;
    static final double SATURATED = 20_000;
    static final int BASELINE_SECONDS = 5;
    static final Set<String> OPEN = Set.of("pending", "dispatched", "running");

    record Result(String label, double offered, int submitted, int refused, int completed, double throughput,
                  long[] submitMicros, long[] e2eMillis, int lost, double commitsPerSecond) {

        Result withBaseline(double commits) {
            return new Result(label, offered, submitted, refused, completed, throughput, submitMicros, e2eMillis, lost, commits);
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        boolean embedded = switch (args[1]) {
            case "postgres" -> false;
            case "embedded" -> true;
            default -> throw new IllegalArgumentException("store must be postgres or embedded, not " + args[1]);
        };
        int seconds = Integer.parseInt(args[2]);
        List<Result> results = new ArrayList<>();
        Double max = null;
        for (String spec : Arrays.copyOfRange(args, 3, args.length)) {
            double rate;
            String label;
            if (spec.equals("max")) {
                rate = SATURATED;
                label = "max (saturated)";
            } else if (spec.endsWith("%")) {
                if (max == null) {
                    throw new IllegalArgumentException(spec + " needs a preceding max run");
                }
                rate = Math.max(1, Math.round(max * Double.parseDouble(spec.substring(0, spec.length() - 1)) / 100));
                label = spec + " of max";
            } else {
                rate = Double.parseDouble(spec);
                label = "fixed";
            }
            Result r = run(jar, embedded ? new Embedded() : new Postgres(), label, rate, seconds);
            if (spec.equals("max")) {
                max = r.throughput();
            }
            results.add(r);
            print(results);
        }
    }

    static Result run(Path jar, Store store, String label, double rate, int seconds) throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("dispatch-bench");
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (store) {
            Map<String, String> env = new HashMap<>();
            store.prepare(env, dir);
            Process server = startStandalone(jar, port, env, dir);
            Measured measured;
            Result result = null;
            try {
                awaitReady(http, base);
                store.started(startLine(dir.resolve("standalone.log")));
                measured = measure(store, http, base, label, rate, seconds);
                if (!store.readAfterStop()) {
                    result = collect(store, label, rate, seconds, measured);
                }
            } finally {
                server.destroy();                                      // SIGTERM: an embedded store closes cleanly
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                    server.waitFor(30, TimeUnit.SECONDS);
                }
            }
            if (result == null) {
                result = collect(store, label, rate, seconds, measured);
            }
            System.err.printf("%s: baseline, single-connection INSERT+COMMIT for %d s…%n", label, BASELINE_SECONDS);
            return result.withBaseline(store.baseline());
        }
    }

    /** The measured window's start, its load, and how many of its jobs were still open after the drain. */
    record Measured(long startMs, Load load, int notDone) {
    }

    static Measured measure(Store store, HttpClient http, String base, String label, double rate, int seconds) throws Exception {
        System.err.printf("%s at %.0f/s on %s: warming up…%n", label, rate, store);
        load(http, base, Math.min(rate, 100), 5, "warmup");
        drain(store, http, base, "warmup", 30);
        System.err.printf("%s at %.0f/s: measuring %d s…%n", label, rate, seconds);
        long startMs = System.currentTimeMillis();
        Load load = load(http, base, rate, seconds, "measure");
        return new Measured(startMs, load, drain(store, http, base, "measure", 60));
    }

    static Process startStandalone(Path jar, int port, Map<String, String> settings, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "standalone")
                .redirectErrorStream(true).redirectOutput(dir.resolve("standalone.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("DATABASE_"));
        env.put("PORT", Integer.toString(port));
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("TEMP_DIR", dir.resolve("work").toString());
        env.putAll(settings);
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true");
        env.put("WORKER_CONCURRENCY", System.getenv().getOrDefault("BENCH_WORKER_CONCURRENCY", "4"));
        env.put("WORKER_QUEUE_SIZE", "100000");
        env.put("LOG_LEVEL", "WARN");
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("BENCH_ENV_")) {
                env.put(k.substring("BENCH_ENV_".length()), v);
            }
        });
        System.err.println("standalone log: " + dir.resolve("standalone.log"));
        return pb.start();
    }

    record Load(int submitted, int refused, Map<String, Long> intendedAtMs, long[] submitMicros) {
    }

    /** Open loop: request i is due at start + i/rate, whatever happened to the others. */
    static Load load(HttpClient http, String base, double rate, int seconds, String project) throws InterruptedException {
        String body = "{\"task\":\"noop\",\"data\":{\"durationMs\":0},\"projectId\":\"" + project + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/cloudrun/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        Map<String, Long> intendedAtMs = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        long total = Math.round(rate * seconds);
        long startNs = System.nanoTime();
        long startMs = System.currentTimeMillis();
        long deadline = startNs + TimeUnit.SECONDS.toNanos(seconds);
        for (long i = 0; i < total; i++) {
            long due = startNs + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (System.nanoTime() > deadline) {
                break;                                      // saturated: the window is over
            }
            inFlight.acquire();
            // saturated ("max"): the arrival schedule is fiction, so time from the actual send
            long from = rate >= SATURATED ? System.nanoTime() : due;
            long intendedMs = startMs + (from - startNs) / 1_000_000;
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long done = System.nanoTime();
                inFlight.release();
                if (error == null && response.statusCode() == 202) {
                    latencies.add((done - from) / 1_000);
                    intendedAtMs.put(id(response.body()), intendedMs);
                } else {
                    refused.incrementAndGet();
                }
            });
        }
        inFlight.acquire(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
        long[] micros = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Load(micros.length, refused.get(), intendedAtMs, micros);
    }

    /** Waits until every job of the project is terminal; returns how many are not. */
    static int drain(Store store, HttpClient http, String base, String project, int maxSeconds) throws Exception {
        long until = System.currentTimeMillis() + maxSeconds * 1000L;
        while (store.anyOpen(http, base, project) && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        return store.open(http, base, project);
    }

    static Result collect(Store store, String label, double rate, int seconds, Measured measured) throws Exception {
        Load load = measured.load();
        long startMs = measured.startMs();
        List<Long> e2e = new ArrayList<>();
        int inWindow = 0;
        int completed = 0;
        long windowStart = startMs + Math.min(10_000, seconds * 1000L / 3);
        long windowEnd = startMs + seconds * 1000L;
        try (Connection c = store.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT id, completed_at FROM jobs WHERE project_id = 'measure' AND status = 'completed'")) {
            while (rs.next()) {
                completed++;
                long at = rs.getLong(2);
                Long intended = load.intendedAtMs().get(rs.getString(1));
                if (intended != null) {
                    e2e.add(at - intended);
                }
                if (at >= windowStart && at < windowEnd) {
                    inWindow++;
                }
            }
        }
        long[] e2eSorted = e2e.stream().mapToLong(Long::longValue).sorted().toArray();
        double throughput = inWindow / ((windowEnd - windowStart) / 1000.0);
        return new Result(label, rate, load.submitted(), load.refused(), completed, throughput, load.submitMicros(), e2eSorted,
                measured.notDone(), Double.NaN);
    }

    static void print(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("\n| run | offered jobs/s | submitted | completed | end-to-end jobs/s | submit p50 | submit p99 "
                + "| submit→completed p50 | submit→completed p99 | not done after drain |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            out.append(String.format("| %s | %s | %d | %d | %.0f | %s | %s | %s | %s | %d |%n", r.label(),
                    r.label().startsWith("max") ? "unbounded" : String.format("%.0f", r.offered()), r.submitted(), r.completed(),
                    r.throughput(), ms(pct(r.submitMicros(), 50) / 1000.0), ms(pct(r.submitMicros(), 99) / 1000.0),
                    ms(pct(r.e2eMillis(), 50)), ms(pct(r.e2eMillis(), 99)), r.lost()));
        }
        double[] commits = results.stream().mapToDouble(Result::commitsPerSecond).sorted().toArray();
        out.append(String.format("%npgbench-style single-connection INSERT+COMMIT: %.0f commits/s", commits[commits.length / 2]));
        if (commits.length > 1) {
            out.append(" (median of ").append(commits.length).append(" runs: ")
                    .append(String.join(", ", results.stream().map(r -> String.format("%.0f", r.commitsPerSecond())).toList())).append(")");
        }
        out.append("\nend-to-end jobs/s ÷ commits/s: ").append(String.join(" · ", results.stream()
                .map(r -> String.format("%s %.0f ÷ %.0f = %.2g", r.label(), r.throughput(), r.commitsPerSecond(),
                        r.throughput() / r.commitsPerSecond())).toList())).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String ms(double value) {
        return Double.isNaN(value) ? "–" : value < 10 ? String.format("%.1f ms", value) : String.format("%.0f ms", value);
    }

    static String id(String body) {
        int at = body.indexOf("\"id\":\"");
        return body.substring(at + 6, body.indexOf('"', at + 6));
    }

    static void awaitReady(HttpClient http, String base) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("standalone did not become ready");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The line {@code standalone} prints once it is up ({@code … database <url>}). */
    static String startLine(Path log) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("repo-worker standalone: API on")) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("standalone printed no start line into " + log);
    }

    /** pgbench-style: one connection, autocommit, one single-row INSERT per transaction, for a few seconds. */
    static double commitsPerSecond(Connection c) throws SQLException {
        try (c; Statement ddl = c.createStatement()) {
            ddl.execute("CREATE TABLE dispatch_baseline (id BIGINT NOT NULL PRIMARY KEY, at BIGINT NOT NULL, note VARCHAR(64))");
            c.setAutoCommit(true);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dispatch_baseline (id, at, note) VALUES (?, ?, ?)")) {
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(BASELINE_SECONDS);
                long commits = 0;
                while (System.nanoTime() < end) {
                    insert.setLong(1, commits);
                    insert.setLong(2, System.currentTimeMillis());
                    insert.setString(3, "baseline");
                    insert.executeUpdate();
                    commits++;
                }
                return commits / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Where one run's jobs live: how standalone is pointed at it, how open jobs are counted, how it is read. */
    interface Store extends AutoCloseable {

        /** Adds the store's settings to standalone's environment. */
        void prepare(Map<String, String> env, Path dir) throws SQLException;

        /** Learns what it needs from standalone's start line. */
        default void started(String startLine) {
        }

        boolean anyOpen(HttpClient http, String base, String project) throws Exception;

        /** How many jobs of the project are not terminal (asked while standalone runs). */
        int open(HttpClient http, String base, String project) throws Exception;

        /** True when the database can only be read once standalone has stopped. */
        boolean readAfterStop();

        Connection connect() throws SQLException;

        /** Single-connection INSERT+COMMIT on the same database (standalone stopped): commits/s. */
        double baseline() throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** PostgreSQL on this machine, a fresh schema per run, read directly while standalone runs. */
    static final class Postgres implements Store {

        private final String schema = "rw_dbench_" + Long.toHexString(System.nanoTime());

        @Override
        public void prepare(Map<String, String> env, Path dir) throws SQLException {
            try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            env.put("DATABASE_URL", PG + "?currentSchema=" + schema);
            env.put("DATABASE_USER", "postgres");
        }

        @Override
        public boolean anyOpen(HttpClient http, String base, String project) throws SQLException {
            return open(http, base, project) > 0;
        }

        @Override
        public int open(HttpClient http, String base, String project) throws SQLException {
            try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM jobs WHERE project_id = '"
                    + project + "' AND status NOT IN ('completed', 'failed', 'cancelled')")) {
                rs.next();
                return rs.getInt(1);
            }
        }

        @Override
        public boolean readAfterStop() {
            return false;
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
        }

        @Override
        public double baseline() throws SQLException {
            return commitsPerSecond(connect());
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }

        @Override
        public String toString() {
            return "PostgreSQL " + PG + ", schema " + schema;
        }
    }

    /**
     * standalone's embedded default store in the run's fresh DATA_DIR: H2 or SQLite, as its start line says.
     * Asked over HTTP while it runs (the file is standalone's), read directly once it has stopped.
     */
    static final class Embedded implements Store {

        private static final Pattern DATABASE = Pattern.compile("database (\\S+)");
        private static final Pattern FILE_URL = Pattern.compile("(jdbc:(?:h2:(?:file:)?|sqlite:(?:file:)?))([^;?]+)(.*)");
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        private String url;

        @Override
        public void prepare(Map<String, String> env, Path dir) {
            // no DATABASE_URL: standalone's default under DATA_DIR
        }

        @Override
        public void started(String startLine) {
            Matcher m = DATABASE.matcher(startLine);
            if (!m.find()) {
                throw new IllegalStateException("no database URL in standalone's start line: " + startLine);
            }
            url = m.group(1);
        }

        @Override
        public boolean anyOpen(HttpClient http, String base, String project) throws Exception {
            for (String status : OPEN) {
                if (page(http, base + "/api/cloudrun/jobs?limit=1&projectId=" + project + "&status=" + status).path("jobs").size() > 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int open(HttpClient http, String base, String project) throws Exception {
            int open = 0;
            for (String status : OPEN) {
                String cursor = null;
                do {
                    var page = page(http, base + "/api/cloudrun/jobs?limit=100&projectId=" + project + "&status=" + status
                            + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)));
                    open += page.path("jobs").size();
                    cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
                } while (cursor != null);
            }
            return open;
        }

        private static com.fasterxml.jackson.databind.JsonNode page(HttpClient http, String url) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        }

        @Override
        public boolean readAfterStop() {
            return true;
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url);
        }

        /** A scratch file beside standalone's, of the same kind: H2 with standalone's URL options, SQLite in WAL with synchronous=FULL. */
        @Override
        public double baseline() throws SQLException {
            Matcher m = FILE_URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("not an H2 or SQLite file URL: " + url);
            }
            Path file = Path.of(m.group(2));
            String name = file.getFileName().toString();
            String extension = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.')) : "";
            Connection c = DriverManager.getConnection(m.group(1) + file.resolveSibling("dispatch-baseline" + extension) + m.group(3));
            if (url.startsWith("jdbc:sqlite:")) {
                try (Statement pragma = c.createStatement()) {
                    pragma.execute("PRAGMA journal_mode=WAL");
                    pragma.execute("PRAGMA synchronous=FULL");
                }
            }
            return commitsPerSecond(c);
        }

        @Override
        public void close() {
            // the run's folder stays, with standalone's log
        }

        @Override
        public String toString() {
            return "the embedded store" + (url == null ? "" : " " + url);
        }
    }
}
