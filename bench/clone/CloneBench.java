import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.repo.CliGit;
import dev.repoworker.worker.repo.CloneRequest;
import dev.repoworker.worker.repo.Git;
import dev.repoworker.worker.repo.GitProgress;
import dev.repoworker.worker.repo.JGitGit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Clones a ~50 MB local repository (a few thousand Markdown notes plus random binaries) with CliGit,
 * JGitGit and plain `git clone --depth 1 file://…`, in the same run; prints median times and ratios.
 * Usage: bench/clone/run [runs]
 */
public class CloneBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path root = Files.createTempDirectory("clone-bench");
        try {
            long t0 = System.nanoTime();
            TestRepos.Repo repo = TestRepos.init(root.resolve("source")).generate(3000, 4096, 36, 1024 * 1024, 7);
            repo.commit("bench content");
            Path bare = repo.bareCopy(root.resolve("served"), "bench.git");
            String url = bare.toUri().toString();
            System.out.printf("repository: %d MB working tree, %d MB packed, built in %d ms%n",
                    size(repo.dir(), true) >> 20, size(bare, false) >> 20, (System.nanoTime() - t0) / 1_000_000);

            Git cli = new CliGit(true);
            Git jgit = new JGitGit();
            CloneRequest request = CloneRequest.of(url, "main"); // depth 1, like the task's default
            List<Long> cliTimes = new ArrayList<>();
            List<Long> jgitTimes = new ArrayList<>();
            List<Long> plainTimes = new ArrayList<>();
            for (int run = -1; run < runs; run++) { // run -1 warms up
                for (int k = 0; k < 3; k++) { // rotate the order so no contender always goes first
                    switch ((k + run + 1) % 3) {
                        case 0 -> cliTimes.add(time(() -> cli.cloneRepo(request, root.resolve("c0"), GitProgress.NONE)));
                        case 1 -> jgitTimes.add(time(() -> jgit.cloneRepo(request, root.resolve("j0"), GitProgress.NONE)));
                        default -> plainTimes.add(time(() -> TestRepos.git(root, "clone", "-q", "--depth", "1", url,
                                root.resolve("p").toString())));
                    }
                }
                for (String d : List.of("c0", "j0", "p")) {
                    delete(root.resolve(d));
                }
                if (run == -1) {
                    cliTimes.clear();
                    jgitTimes.clear();
                    plainTimes.clear();
                }
            }
            long c = median(cliTimes);
            long j = median(jgitTimes);
            long p = median(plainTimes);
            System.out.printf("median of %d runs (after 1 warm-up), depth 1 over file://%n", runs);
            System.out.printf("  git clone --depth 1 : %5d ms%n", p);
            System.out.printf("  CliGit              : %5d ms  (%.2fx git)%n", c, (double) c / p);
            System.out.printf("  JGitGit             : %5d ms  (%.2fx git)%n", j, (double) j / p);
            System.out.printf("  all runs ms: cli=%s jgit=%s git=%s%n", cliTimes, jgitTimes, plainTimes);
        } finally {
            delete(root);
        }
    }

    interface Step {
        void run() throws Exception;
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
