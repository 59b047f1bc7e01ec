import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole commands, JVM start included, as a new user would run them: {@code bin/repo-worker process VAULT --task
 * build-assets --out OUT} against {@code hugo} on the same generated notes (AssetsBench's generator, no images), run
 * alternately, ours then Hugo's, {@code runs} times each; prints the median wall time and peak RSS
 * ({@code /usr/bin/time}; CPU time, user + system, alongside: on a shared machine it moves less than wall time) of
 * each and the ratios. JAVA_OPTS is passed through to the launcher.
 * Usage: bench/assets/run --process [runs] [notes…] (default 3 runs, 1000 and 10000 notes)
 */
public class ProcessBench {

    record Sample(double seconds, long rssKb, double cpuSeconds) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Integer> sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length).map(Integer::parseInt).toList() : List.of(1_000, 10_000);
        Path launcher = Path.of("bin/repo-worker").toAbsolutePath();
        Path root = Files.createTempDirectory("assets-process-bench");
        try {
            System.out.printf("hugo: %s%n", output("hugo", "version"));
            System.out.printf("JAVA_OPTS: %s%n", System.getenv().getOrDefault("JAVA_OPTS", "(unset)"));
            for (int notes : sizes) {
                Path vault = root.resolve("vault-" + notes);
                AssetsBench.generateNotes(vault, notes, 0);
                Path site = root.resolve("hugo-" + notes);
                AssetsBench.hugoSite(site, vault);
                Path out = root.resolve("out-" + notes);
                Path publicDir = site.resolve("public");
                List<Sample> ours = new ArrayList<>();
                List<Sample> hugo = new ArrayList<>();
                System.out.printf("%n%,d notes; load average at start: %s%n", notes, AssetsBench.loadAverage());
                for (int run = 0; run < runs; run++) {
                    AssetsBench.deleteTree(out);
                    // --no-cache: a whole build every time, as Hugo does (a kept cache would reuse every note's render)
                    Sample a = timed(launcher.toString(), "process", vault.toString(), "--task", "build-assets",
                            "--out", out.toString(), "--no-cache");
                    AssetsBench.deleteTree(publicDir);
                    Sample b = timed("hugo", "--quiet", "-s", site.toString(), "-d", publicDir.toString());
                    ours.add(a);
                    hugo.add(b);
                    System.out.printf("  run %d: ours %.2f s (CPU %.2f s) %,d MB · hugo %.2f s (CPU %.2f s) %,d MB · load %s%n",
                            run + 1, a.seconds, a.cpuSeconds, a.rssKb >> 10, b.seconds, b.cpuSeconds, b.rssKb >> 10,
                            AssetsBench.loadAverage());
                }
                Sample o = median(ours);
                Sample h = median(hugo);
                System.out.printf("%,d notes, median of %d: ours %.2f s (CPU %.2f s), peak RSS %,d MB; hugo %.2f s (CPU %.2f s), peak RSS %,d MB%n",
                        notes, runs, o.seconds, o.cpuSeconds, o.rssKb >> 10, h.seconds, h.cpuSeconds, h.rssKb >> 10);
                System.out.printf("%,d notes: wall ours/hugo %.2f× (target ≤ %.1f×), peak RSS ours/hugo %.2f× (target ≤ 0.5×), CPU ours/hugo %.2f×%n",
                        notes, o.seconds / h.seconds, notes >= 10_000 ? 1.0 : 2.0, (double) o.rssKb / h.rssKb,
                        o.cpuSeconds / h.cpuSeconds);
            }
        } finally {
            AssetsBench.deleteTree(root);
        }
    }

    /** Wall seconds and maximum RSS of one command, from GNU time; the command's own output is discarded. */
    static Sample timed(String... command) throws IOException, InterruptedException {
        Path report = Files.createTempFile("time", ".txt");
        try {
            List<String> line = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %M %U %S"));
            line.addAll(List.of(command));
            Process p = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit " + p.exitValue());
            }
            List<String> lines = Files.readAllLines(report);
            String[] f = lines.get(lines.size() - 1).strip().split(" ");
            return new Sample(Double.parseDouble(f[0]), Long.parseLong(f[1]),
                    Double.parseDouble(f[2]) + Double.parseDouble(f[3]));
        } finally {
            Files.deleteIfExists(report);
        }
    }

    /** The median of each figure on its own. */
    static Sample median(List<Sample> samples) {
        double[] s = samples.stream().mapToDouble(Sample::seconds).sorted().toArray();
        long[] r = samples.stream().mapToLong(Sample::rssKb).sorted().toArray();
        double[] c = samples.stream().mapToDouble(Sample::cpuSeconds).sorted().toArray();
        return new Sample(s[s.length / 2], r[r.length / 2], c[c.length / 2]);
    }

    static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return text;
    }
}
