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
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
 * Usage: {@code DispatchBench <jar> <seconds> <rate|max>...}; "max" offers far more than the
 * system takes (in-flight submissions capped) and reports what it sustains; a later "80%" means
 * 80 % of that figure.
 */
public class DispatchBench {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final int MAX_IN_FLIGHT = 64;
    static final double SATURATED = 20_000;

    record Result(String label, double offered, int submitted, int refused, int completed, double throughput,
                  long[] submitMicros, long[] e2eMillis, int lost) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<Result> results = new ArrayList<>();
        Double max = null;
        for (String spec : Arrays.copyOfRange(args, 2, args.length)) {
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
            Result r = run(jar, label, rate, seconds);
            if (spec.equals("max")) {
                max = r.throughput();
            }
            results.add(r);
            print(results);
        }
    }

    static Result run(Path jar, String label, double rate, int seconds) throws Exception {
        String schema = "rw_dbench_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        int port = freePort();
        Path dir = Files.createTempDirectory("dispatch-bench");
        Process server = startStandalone(jar, port, schema, dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            awaitReady(http, base);
            System.err.printf("%s at %.0f/s: warming up…%n", label, rate);
            load(http, base, Math.min(rate, 100), 5, "warmup");
            drain(schema, "warmup", 30);
            System.err.printf("%s at %.0f/s: measuring %d s…%n", label, rate, seconds);
            long startMs = System.currentTimeMillis();
            Load load = load(http, base, rate, seconds, "measure");
            int lost = drain(schema, "measure", 60);
            return collect(schema, label, rate, seconds, startMs, load, lost);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    static Process startStandalone(Path jar, int port, String schema, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "standalone")
                .redirectErrorStream(true).redirectOutput(dir.resolve("standalone.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("TEMP_DIR", dir.resolve("work").toString());
        env.put("DATABASE_URL", PG + "?currentSchema=" + schema);
        env.put("DATABASE_USER", "postgres");
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
    static int drain(String schema, String project, int maxSeconds) throws Exception {
        long until = System.currentTimeMillis() + maxSeconds * 1000L;
        int open;
        do {
            try (Connection c = DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM jobs WHERE project_id = '" + project
                         + "' AND status NOT IN ('completed', 'failed', 'cancelled')")) {
                rs.next();
                open = rs.getInt(1);
            }
            if (open > 0) {
                Thread.sleep(200);
            }
        } while (open > 0 && System.currentTimeMillis() < until);
        return open;
    }

    static Result collect(String schema, String label, double rate, int seconds, long startMs, Load load, int lost) throws Exception {
        List<Long> e2e = new ArrayList<>();
        int inWindow = 0;
        int completed = 0;
        long windowStart = startMs + Math.min(10_000, seconds * 1000L / 3);
        long windowEnd = startMs + seconds * 1000L;
        try (Connection c = DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
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
        return new Result(label, rate, load.submitted(), load.refused(), completed, throughput, load.submitMicros(), e2eSorted, lost);
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
}
