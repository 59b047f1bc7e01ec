import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs N small acquire-user-repo jobs one after another through the API and a Worker (real HTTP on
 * loopback, embedded H2 or PostgreSQL) and prints submit latency (POST → 202), end-to-end latency
 * (POST → the API shows completed, polled every 5 ms) and the server-side created → completed time,
 * beside `git clone --depth 1` of the same repository.
 */
public class LatencyBench {

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        boolean postgres = args.length > 1 && args[1].equals("postgres");
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path tmp = Files.createTempDirectory("latency-bench");
        Path repo = tmp.resolve("notes");
        git(tmp, "init", "-q", "-b", "main", repo.toString());
        for (int i = 0; i < 20; i++) {
            Files.writeString(repo.resolve("note-" + i + ".md"), "# Note " + i + "\n\nSome text [[note-" + (i + 1) + "]].\n");
        }
        git(repo, "add", ".");
        git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "notes");
        String url = repo.toUri().toString();

        String secret = Signatures.newSecret();
        Map<String, String> workerEnv = Map.of("PORT", "0", "WORKER_SECRET", secret, "TEMP_DIR", tmp.resolve("work").toString(),
                "ALLOW_FILE_REPOS", "true", "ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        WorkerApp worker = WorkerApp.start(WorkerConfig.fromEnv(workerEnv));
        Map<String, String> apiEnv = new HashMap<>(Map.of("PORT", "0", "WORKER_SECRET", secret, "DATA_DIR", tmp.resolve("data").toString(),
                "REPO_WORKER_API_URL", "http://127.0.0.1:" + worker.port()));
        String schema = "rw_bench_" + Long.toHexString(System.nanoTime());
        if (postgres) {
            try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            apiEnv.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
            apiEnv.put("DATABASE_USER", "postgres");
        }
        ApiApp api = ApiApp.start(ApiConfig.fromEnv(apiEnv));
        ApiClient client = new ApiClient(api.localUrl());
        try {
            List<Long> submit = new ArrayList<>();
            List<Long> endToEnd = new ArrayList<>();
            List<Long> server = new ArrayList<>();
            for (int i = 0; i < jobs + 3; i++) {
                long t0 = System.nanoTime();
                JsonNode created = client.submit("acquire-user-repo", Map.of("repoUrl", url));
                long t1 = System.nanoTime();
                String id = created.path("id").asText();
                JsonNode job;
                do {
                    Thread.sleep(5);
                    job = client.get(id);
                } while (!job.path("status").asText().equals("completed"));
                long t2 = System.nanoTime();
                if (i >= 3) {
                    submit.add((t1 - t0) / 1_000);
                    endToEnd.add((t2 - t0) / 1_000);
                    server.add(Duration.between(Instant.parse(job.path("createdAt").asText()),
                            Instant.parse(job.path("completedAt").asText())).toMillis() * 1000);
                }
            }
            List<Long> clone = new ArrayList<>();
            for (int i = 0; i < jobs + 3; i++) {
                Path target = tmp.resolve("clone-" + i);
                long t0 = System.nanoTime();
                git(tmp, "clone", "-q", "--depth", "1", url, target.toString());
                if (i >= 3) {
                    clone.add((System.nanoTime() - t0) / 1_000);
                }
            }
            System.out.printf("database: %s, jobs: %d (after 3 warm-up), cores: %d%n", postgres ? "PostgreSQL" : "embedded H2",
                    jobs, Runtime.getRuntime().availableProcessors());
            print("submit (POST -> 202)", submit);
            print("end to end (POST -> completed seen)", endToEnd);
            print("server created -> completed", server);
            print("peer: git clone --depth 1", clone);
            System.out.printf("ratio end-to-end p50 / git clone p50: %.1f%n", (double) p(endToEnd, 50) / p(clone, 50));
        } finally {
            worker.stop();
            api.stop();
            if (postgres) {
                try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static void print(String what, List<Long> micros) {
        System.out.printf("%-38s p50 %7.1f ms   p90 %7.1f ms   max %7.1f ms%n", what, p(micros, 50) / 1000.0,
                p(micros, 90) / 1000.0, p(micros, 100) / 1000.0);
    }

    private static long p(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
        }
    }
}
