import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Whole {@code repo-worker process} commands (JVM start included) on a generated vault of N notes and M images, for
 * each task: first run (empty cache), second run (unchanged vault), a run after one changed note, and a run with
 * {@code --no-cache}; the median of R runs each, and the ratios first/second and first/changed.
 * Usage: bench/local/run [notes] [images] [runs] [tasks, comma-separated]; {@code bench/local/run generate DIR [notes]
 * [images]} only writes the vault.
 */
public class LocalBench {

    static final String[] WORDS = {"garden", "note", "link", "vault", "idea", "draft", "graph", "topic", "alpha",
            "omega", "market", "river", "system", "design", "pattern", "memory", "signal", "vector", "window", "cloud"};

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("generate")) {
            int n = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
            int m = args.length > 3 ? Integer.parseInt(args[3]) : 100;
            generateNotes(Path.of(args[1]), n, m);
            generateImages(Path.of(args[1]).resolve("images"), m, 1200);
            return;
        }
        int notes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> tasks = List.of((args.length > 3 ? args[3] : "build-assets,process-all").split(","));
        Path launcher = Path.of("bin", "repo-worker").toAbsolutePath();
        Path root = Files.createTempDirectory("local-bench");
        try {
            System.out.printf("load average at start: %s; %d cores (shared machine: figures vary)%n", loadAverage(),
                    Runtime.getRuntime().availableProcessors());
            Path vault = root.resolve("vault");
            long t0 = System.nanoTime();
            generateNotes(vault, notes, images);
            generateImages(vault.resolve("images"), images, 1200);
            System.out.printf("vault: %d notes, %d images of 1200px, generated in %d ms%n", notes, images, ms(t0));
            for (String task : tasks) {
                bench(launcher, root, vault, task.strip(), runs);
            }
            System.out.printf("load average at end: %s%n", loadAverage());
        } finally {
            deleteTree(root);
        }
    }

    static void bench(Path launcher, Path root, Path vault, String task, int runs) throws Exception {
        Path out = root.resolve("out-" + task);
        Path cache = root.resolve("cache-" + task);
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        List<Long> changed = new ArrayList<>();
        List<Long> noCache = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            deleteTree(cache);
            deleteTree(out);
            first.add(process(launcher, vault, task, out, "--cache", cache.toString()));
            second.add(process(launcher, vault, task, out, "--cache", cache.toString()));
            changeOneNote(vault, r);
            changed.add(process(launcher, vault, task, out, "--cache", cache.toString()));
            noCache.add(process(launcher, vault, task, out, "--no-cache"));
        }
        long f = median(first);
        long s = median(second);
        long c = median(changed);
        System.out.printf("%s: first %d ms, second (unchanged) %d ms, one changed note %d ms, --no-cache %d ms (medians of %d; load %s)%n",
                task, f, s, c, median(noCache), runs, loadAverage());
        System.out.printf("%s: first/second %.1fx (target >= 10), first/changed %.1fx (target >= 5); runs first %s second %s changed %s no-cache %s%n",
                task, (double) f / s, (double) f / c, first, second, changed, noCache);
    }

    /** One whole command; its wall time in ms. Fails the bench when the command fails. */
    static long process(Path launcher, Path vault, String task, Path out, String... cache) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "process", vault.toString(), "--task", task,
                "--out", out.toString()));
        command.addAll(List.of(cache));
        Path log = Files.createTempFile("local-bench", ".log");
        try {
            long t = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int exit = p.waitFor();
            long took = ms(t);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ":\n" + Files.readString(log));
            }
            return took;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Appends a new sentence to one note, a different one each time. */
    static void changeOneNote(Path vault, int round) throws IOException {
        Path note = vault.resolve("folder-0").resolve("Note " + (round + 1) + ".md");
        Files.writeString(note, "\nA new thought, round " + round + ", about [[Note 0]].\n", StandardOpenOption.APPEND);
    }

    static void generateNotes(Path dir, int n, int images) throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            s.append("---\ntitle: \"Note ").append(i).append("\"\ntags: [t").append(i % 37).append(", area").append(i % 7)
                    .append("]\ndate: 2024-01-").append(String.format("%02d", 1 + i % 28)).append("\n---\n\n");
            for (int section = 0; section < 3; section++) {
                s.append("## Section ").append(section).append(" of ").append(i).append("\n\n");
                for (int w = 0; w < 120; w++) {
                    s.append(WORDS[random.nextInt(WORDS.length)]);
                    int r = random.nextInt(40);
                    if (r == 0) {
                        s.append(" [[Note ").append(random.nextInt(n)).append("]]");
                    } else if (r == 1) {
                        s.append(" #tag").append(random.nextInt(50));
                    }
                    s.append(w % 15 == 14 ? ".\n" : " ");
                }
                s.append("\n\n- item [[Note ").append(random.nextInt(n)).append("|alias]]\n- item two\n\n");
            }
            if (images > 0 && i % 20 == 0) {
                s.append("![[img-").append(random.nextInt(images)).append(".jpg]]\n");
            }
            Path file = dir.resolve("folder-" + (i / 100)).resolve("Note " + i + ".md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s);
        }
    }

    static void generateImages(Path dir, int n, int width) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(7);
        int height = width * 2 / 3;
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), width, height,
                    new Color(random.nextInt(0xffffff))));
            g.fillRect(0, 0, width, height);
            for (int k = 0; k < 40; k++) {
                g.setColor(new Color(random.nextInt(0xffffff)));
                g.fillOval(random.nextInt(width), random.nextInt(height), 20 + random.nextInt(200), 20 + random.nextInt(200));
            }
            g.dispose();
            ImageIO.write(img, "jpg", dir.resolve("img-" + i + ".jpg").toFile());
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }
}
