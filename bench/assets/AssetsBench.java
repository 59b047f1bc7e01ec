import dev.repoworker.worker.assets.AssetBuilder;
import dev.repoworker.worker.assets.BuildOptions;
import dev.repoworker.worker.assets.BuildReport;
import dev.repoworker.worker.task.ProgressListener;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Generates a vault of N notes (frontmatter, headings, links, tags, lists, code) and M images, then:
 * 1. our Markdown-only build of the notes (cold, then warm, in this JVM) and Hugo's build of the same notes
 *    (two runs, best kept) → notes/s and the ratio ours/Hugo;
 * 2. our full build with the images → images/s for the media phase;
 * and prints the JVM's peak heap and the process's peak RSS. Usage: bench/assets/run [notes] [images] [imageWidth]
 */
public class AssetsBench {

    static final String[] WORDS = {"garden", "note", "link", "vault", "idea", "draft", "graph", "topic", "alpha",
            "omega", "market", "river", "system", "design", "pattern", "memory", "signal", "vector", "window", "cloud"};

    public static void main(String[] args) throws Exception {
        int notes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int imageWidth = args.length > 2 ? Integer.parseInt(args[2]) : 1200;
        Path root = Files.createTempDirectory("assets-bench");
        try {
            System.out.printf("load average at start: %s%n", loadAverage());
            System.out.printf("machine: %d cores available to the JVM, max heap %d MB (shared machine: figures vary)%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            long t0 = System.nanoTime();
            Path notesOnly = root.resolve("notes-vault");
            long mdBytes = generateNotes(notesOnly, notes, images);
            Path full = root.resolve("full-vault");
            copyTree(notesOnly, full);
            long imgBytes = generateImages(full.resolve("images"), images, imageWidth);
            System.out.printf("vault: %d notes (%d MB of Markdown), %d images of %dpx (%d MB), generated in %d ms%n",
                    notes, mdBytes >> 20, images, imageWidth, imgBytes >> 20, ms(t0));

            AssetBuilder builder = new AssetBuilder();
            BuildOptions options = BuildOptions.defaults();
            long cpu0 = cpuMs();
            long c0 = System.nanoTime();
            BuildReport cold = builder.build(notesOnly, options, root.resolve("out-md-1"), ProgressListener.NONE);
            long coldMs = ms(c0);
            long cpu1 = cpuMs();
            long w0 = System.nanoTime();
            BuildReport warm = builder.build(notesOnly, options, root.resolve("out-md-2"), ProgressListener.NONE);
            long warmMs = ms(w0);
            System.out.printf("ours, CPU time (all threads): cold %d ms, warm %d ms%n", cpu1 - cpu0, cpuMs() - cpu1);
            System.out.printf("ours, Markdown only: cold %d ms (%.0f notes/s), warm %d ms (%.0f notes/s); phases warm %s; %d posts, %d issues%n",
                    coldMs, rate(notes, coldMs), warmMs, rate(notes, warmMs), warm.durationsMs(), warm.posts(), warm.issues());

            Long hugoMs = hugo(root, notesOnly);
            if (hugoMs != null) {
                System.out.printf("hugo, same notes: %d ms wall (%.0f notes/s), best of two runs%n", hugoMs, rate(notes, hugoMs));
                System.out.printf("ratio ours/hugo (Markdown only): warm %.2f, cold %.2f (target <= 1.0)%n",
                        (double) warmMs / hugoMs, (double) coldMs / hugoMs);
            } else {
                System.out.println("hugo: not installed (apt-get install -y hugo), no ratio");
            }

            long f0 = System.nanoTime();
            BuildReport all = builder.build(full, options, root.resolve("out-full"), ProgressListener.NONE);
            long fullMs = ms(f0);
            long mediaMs = all.durationsMs().get("media");
            System.out.printf("ours, full build: %d ms; media phase %d ms for %d images → %.1f images/s, %d variants (%d MB written); phases %s%n",
                    fullMs, mediaMs, all.mediaProcessed(), rate(all.mediaProcessed(), mediaMs), all.variants(),
                    all.bytes() >> 20, all.durationsMs());
            long r0 = System.nanoTime();
            BuildReport again = builder.build(full, options.withMediaCacheDir(root.resolve("cache")), root.resolve("out-full-2"),
                    ProgressListener.NONE);
            System.out.printf("ours, full build into a fresh folder with an empty cache, then rebuilt from the cache: first %d ms%n", ms(r0));
            long r1 = System.nanoTime();
            BuildReport cached = builder.build(full, options.withMediaCacheDir(root.resolve("cache")), root.resolve("out-full-3"),
                    ProgressListener.NONE);
            System.out.printf("   cached rebuild %d ms (media phase %d ms, %d reused)%n", ms(r1), cached.durationsMs().get("media"),
                    cached.mediaReused());
            long heapPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPeak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("load average at end: %s%n", loadAverage());
            System.out.printf("peak memory: heap pools %d MB (sum of per-pool peaks), process RSS high-water %s%n",
                    heapPeak >> 20, rssPeak());
        } finally {
            deleteTree(root);
        }
    }

    static long generateNotes(Path dir, int n, int images) throws IOException {
        Random random = new Random(42);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            s.append("---\ntitle: \"Note ").append(i).append("\"\ntags: [t").append(i % 37).append(", area").append(i % 7)
                    .append("]\ndate: 2024-01-").append(String.format("%02d", 1 + i % 28)).append("\n---\n\n");
            s.append("# Note ").append(i).append("\n\n");
            for (int section = 0; section < 3; section++) {
                s.append("## Section ").append(section).append(" of ").append(i).append("\n\n");
                for (int p = 0; p < 2; p++) {
                    for (int w = 0; w < 60; w++) {
                        s.append(WORDS[random.nextInt(WORDS.length)]);
                        int r = random.nextInt(40);
                        if (r == 0) {
                            s.append(" [[Note ").append(random.nextInt(n)).append("]]");
                        } else if (r == 1) {
                            s.append(" #tag").append(random.nextInt(50));
                        } else if (r == 2) {
                            s.append(" **bold** and `code`");
                        }
                        s.append(w % 15 == 14 ? ".\n" : " ");
                    }
                    s.append("\n\n");
                }
                s.append("- item one [[Note ").append(random.nextInt(n)).append("|alias]]\n- item two\n- item three\n\n");
            }
            s.append("```java\nclass N").append(i).append(" {\n    int value = ").append(i).append(";\n}\n```\n\n");
            if (images > 0 && i % 20 == 0) {
                s.append("![[img-").append(random.nextInt(images)).append(".jpg]]\n");
            }
            Path file = dir.resolve("folder-" + (i / 100)).resolve("Note " + i + ".md");
            Files.createDirectories(file.getParent());
            byte[] content = s.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(file, content);
            bytes += content.length;
        }
        return bytes;
    }

    static long generateImages(Path dir, int n, int width) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(7);
        int height = width * 2 / 3;
        long bytes = 0;
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
            Path file = dir.resolve("img-" + i + ".jpg");
            ImageIO.write(img, "jpg", file.toFile());
            bytes += Files.size(file);
        }
        return bytes;
    }

    /** Hugo on the same notes with a minimal config and layouts; best of two runs, or null when not installed. */
    static Long hugo(Path root, Path notes) throws Exception {
        Path site = root.resolve("hugo-site");
        try {
            Process version = new ProcessBuilder("hugo", "version").redirectErrorStream(true).start();
            String v = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (version.waitFor() != 0) {
                return null;
            }
            System.out.println("hugo: " + v);
        } catch (IOException e) {
            return null;
        }
        hugoSite(site, notes);
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 2; run++) {
            deleteTree(site.resolve("public"));
            long t = System.nanoTime();
            Process p = new ProcessBuilder("hugo", "--quiet", "-s", site.toString(), "-d", site.resolve("public").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                System.out.println("hugo failed with exit " + p.exitValue());
                return null;
            }
            best = Math.min(best, ms(t));
        }
        try (Stream<Path> pages = Files.walk(site.resolve("public"))) {
            System.out.printf("hugo wrote %d HTML files%n", pages.filter(f -> f.toString().endsWith(".html")).count());
        }
        return best;
    }

    /** A Hugo site with the notes as content pages and a minimal layout, so that Hugo renders every page to HTML. */
    static void hugoSite(Path site, Path notes) throws IOException {
        copyTree(notes, site.resolve("content"));
        Files.writeString(site.resolve("hugo.toml"), "baseURL = 'https://example.org/'\ntitle = 'bench'\n"
                + "disableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\n");
        Files.createDirectories(site.resolve("layouts/_default"));
        Files.writeString(site.resolve("layouts/_default/single.html"),
                "<html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</body></html>\n");
        Files.writeString(site.resolve("layouts/_default/list.html"),
                "<html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n");
    }

    static long cpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static String rssPeak() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static double rate(long count, long millis) {
        return millis == 0 ? 0 : count * 1000.0 / millis;
    }

    static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
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
