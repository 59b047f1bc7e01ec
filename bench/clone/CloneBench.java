import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.repo.CliGit;
import dev.repoworker.worker.repo.CloneRequest;
import dev.repoworker.worker.repo.Git;
import dev.repoworker.worker.repo.GitProgress;
import dev.repoworker.worker.repo.JGitGit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Clones a ~50 MB local repository (a few thousand Markdown notes plus random binaries) in the same run with:
 * plain {@code git clone --depth 1 file://…} (the peer), the {@code acquire-user-repo} task through a Worker's
 * {@code POST /process} until its final callback arrives (what a client waits for), and the two Git
 * implementations called directly. Prints the medians and the ratios to git.
 * Usage: bench/clone/run [runs]
 */
public class CloneBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path root = Files.createTempDirectory("clone-bench");
        try (Callbacks callbacks = new Callbacks()) {
            long t0 = System.nanoTime();
            TestRepos.Repo repo = TestRepos.init(root.resolve("source")).generate(3000, 4096, 36, 1024 * 1024, 7);
            repo.commit("bench content");
            Path bare = repo.bareCopy(root.resolve("served"), "bench.git");
            String url = bare.toUri().toString();
            System.out.printf("repository: %d MB working tree, %d MB packed, built in %d ms%n",
                    size(repo.dir(), true) >> 20, size(bare, false) >> 20, (System.nanoTime() - t0) / 1_000_000);

            WorkerApp worker = WorkerApp.start(WorkerConfig.fromEnv(Map.of(
                    "PORT", "0", "WORKER_INSECURE_DEV", "true", "ALLOW_FILE_REPOS", "true",
                    "ALLOWED_CALLBACK_HOSTS", "127.0.0.1", "TEMP_DIR", root.resolve("worker").toString(),
                    "LOG_LEVEL", "WARN")));
            HttpClient http = HttpClient.newHttpClient();
            Git cli = new CliGit(true);
            Git jgit = new JGitGit();
            CloneRequest request = CloneRequest.of(url, "main"); // depth 1, like the task's default
            Map<String, Step> contenders = new LinkedHashMap<>();
            contenders.put("git clone --depth 1", () -> TestRepos.git(root, "clone", "-q", "--depth", "1", url,
                    root.resolve("p").toString()));
            int[] jobs = {0};
            contenders.put("acquire-user-repo via /process", () -> {
                String jobId = "bench-" + jobs[0]++;
                CompletableFuture<Map<?, ?>> done = callbacks.expect(jobId);
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/process"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("jobId", jobId, "task", "acquire-user-repo",
                                "callbackUrl", callbacks.url(), "data", Map.of("repoUrl", url, "branch", "main")))))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (accepted.statusCode() != 202) {
                    throw new IllegalStateException("/process answered " + accepted.statusCode() + ": " + accepted.body());
                }
                Map<?, ?> outcome = done.get(60, TimeUnit.SECONDS);
                if (!"completed".equals(outcome.get("status"))) {
                    throw new IllegalStateException("acquire failed: " + outcome);
                }
            });
            contenders.put("CliGit.cloneRepo", () -> cli.cloneRepo(request, root.resolve("c0"), GitProgress.NONE));
            contenders.put("JGitGit.cloneRepo", () -> jgit.cloneRepo(request, root.resolve("j0"), GitProgress.NONE));

            Map<String, List<Long>> times = new LinkedHashMap<>();
            contenders.keySet().forEach(name -> times.put(name, new ArrayList<>()));
            List<String> names = List.copyOf(contenders.keySet());
            for (int run = -1; run < runs; run++) { // run -1 warms up
                for (int k = 0; k < names.size(); k++) { // rotate the order so no contender always goes first
                    String name = names.get((k + run + 1) % names.size());
                    long ms = time(contenders.get(name));
                    if (run >= 0) {
                        times.get(name).add(ms);
                    }
                }
                for (String d : List.of("c0", "j0", "p")) {
                    delete(root.resolve(d));
                }
            }
            worker.stop();
            long git = median(times.get(names.get(0)));
            System.out.printf("median of %d runs (after 1 warm-up), depth 1 over file://%n", runs);
            for (String name : names) {
                long m = median(times.get(name));
                System.out.printf("  %-32s %5d ms  (%.2fx git)   runs %s%n", name, m, (double) m / git, times.get(name));
            }
        } finally {
            delete(root);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** A callback receiver that completes one future per job id on its final callback. */
    static final class Callbacks implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, CompletableFuture<Map<?, ?>>> waiting = new ConcurrentHashMap<>();

        Callbacks() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Object json = Json.mapper().readValue(body, Object.class);
                for (Object item : json instanceof List<?> list ? list : List.of(json)) {
                    Map<?, ?> callback = (Map<?, ?>) item;
                    Object status = callback.get("status");
                    if ("completed".equals(status) || "failed".equals(status)) {
                        CompletableFuture<Map<?, ?>> future = waiting.remove(String.valueOf(callback.get("jobId")));
                        if (future != null) {
                            future.complete(callback);
                        }
                    }
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/cloudrun/callback";
        }

        CompletableFuture<Map<?, ?>> expect(String jobId) {
            return waiting.computeIfAbsent(jobId, id -> new CompletableFuture<>());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static long time(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return sorted.get(sorted.size() / 2);
    }

    static long size(Path dir, boolean skipGit) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !skipGit || !dir.relativize(f).startsWith(".git"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
