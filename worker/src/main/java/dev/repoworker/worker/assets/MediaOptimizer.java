package dev.repoworker.worker.assets;

import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Media: every jpg/jpeg/png/gif/webp is resized (never enlarged) to the widths of {@link #SIZES} and written as
 * WebP and JPEG under {@code media/{sha256}-{size}.{ext}}; svg (without active content, see {@link SvgCheck}),
 * video, audio and PDF (that starts as one) are copied as {@code media/{sha256}.{ext}}, never transcoded. Every media
 * file is capped by {@link BuildOptions.Limits#maxMediaBytes}.
 * Dimensions come from the file header before any decoding, so an image over the pixel limit is refused (an issue)
 * without allocating it. Work is skipped when the outputs for a hash already exist in the output or the cache.
 * Images are processed on a bounded pool; an interrupt stops the run promptly.
 */
final class MediaOptimizer {

    record Size(String name, int width) {}

    static final List<Size> SIZES = List.of(
            new Size("xs", 100), new Size("sm", 300), new Size("md", 700), new Size("lg", 1400), new Size("xl", 2160));
    static final List<String> FORMATS = List.of("webp", "jpg");

    /** What the media phase did. */
    record Stats(int processed, int reused, int variants, int failed) {}

    private MediaOptimizer() {}

    // Scan phase (hash, header): see MediaProbe.

    /** Sizes up to the first one at least as wide as the image (that one at the image's own width). */
    static List<MediaFile.Variant> plan(String hash, int width, int height, String base) {
        List<MediaFile.Variant> variants = new ArrayList<>();
        for (Size size : SIZES) {
            int w = Math.min(size.width(), width);
            int h = Math.max(1, Math.round((float) height * w / width));
            for (String format : FORMATS) {
                String file = "media/" + hash + "-" + size.name() + "." + format;
                variants.add(new MediaFile.Variant(size.name(), format, w, h, file, base + "/" + file.substring(6)));
            }
            if (size.width() >= width) {
                break;
            }
        }
        return variants;
    }

    // Media phase.

    /** The media list with failures marked refused, and what the phase did. */
    record Processed(List<MediaFile> media, Stats stats) {}

    /** Writes every media file's outputs into {@code outDir}. */
    static Processed process(
            List<MediaFile> media, Path outDir, BuildOptions options, Issues issues, ProgressListener progress)
            throws IOException, InterruptedException {
        Files.createDirectories(outDir.resolve("media"));
        List<MediaFile> toProduce = distinctAccepted(media);
        Tally tally = produceAll(toProduce, outDir, options, progress);
        return new Processed(withFailuresRefused(media, tally.failures, issues), tally.stats(toProduce.size()));
    }

    /** One file per content hash; refused files have no outputs. */
    private static List<MediaFile> distinctAccepted(List<MediaFile> media) {
        Map<String, MediaFile> unique = new LinkedHashMap<>();
        media.stream().filter(m -> m.refused().isEmpty()).forEach(m -> unique.putIfAbsent(m.hash(), m));
        return List.copyOf(unique.values());
    }

    /** Counts kept by the pool's threads. */
    private static final class Tally {
        final AtomicInteger reused = new AtomicInteger();
        final AtomicInteger variants = new AtomicInteger();
        final Map<String, String> failures = new java.util.concurrent.ConcurrentHashMap<>();

        Stats stats(int total) {
            return new Stats(total - reused.get() - failures.size(), reused.get(), variants.get(), failures.size());
        }
    }

    private static Tally produceAll(List<MediaFile> media, Path outDir, BuildOptions options, ProgressListener progress)
            throws IOException, InterruptedException {
        Tally tally = new Tally();
        int total = media.size();
        progress.report(new Progress("media", 0, total, "optimising " + total + " media files"));
        Throttled throttled = new Throttled(progress, total);
        ExecutorService pool = newPool(Math.min(options.effectiveThreads(), Math.max(1, total)));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MediaFile m : media) {
                futures.add(pool.submit(() -> {
                    if (produceCounted(m, outDir, options.mediaCacheDir(), tally)) {
                        throttled.fileDone(m.path());
                    }
                    return null;
                }));
            }
            awaitAll(futures);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdownNow();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("media phase interrupted");
        }
        return tally;
    }

    private static ExecutorService newPool(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "media-optimizer");
            t.setDaemon(true);
            return t;
        });
    }

    private static void awaitAll(List<Future<?>> futures) throws IOException, InterruptedException {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IOException("media processing failed", e.getCause());
            }
        }
    }

    /** Progress from the pool's threads: the last file, and otherwise at most one report every 250 ms. */
    private static final class Throttled {
        private final ProgressListener progress;
        private final int total;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicLong lastReport = new AtomicLong();

        Throttled(ProgressListener progress, int total) {
            this.progress = progress;
            this.total = total;
        }

        void fileDone(String path) {
            int n = done.incrementAndGet();
            long now = System.nanoTime();
            long last = lastReport.get();
            if (n == total || (now - last > 250_000_000L && lastReport.compareAndSet(last, now))) {
                progress.report(new Progress("media", n, total, path));
            }
        }
    }

    /** Produces one file's outputs and counts the outcome; false when interrupted. */
    private static boolean produceCounted(MediaFile m, Path outDir, Optional<Path> cacheDir, Tally tally) {
        try {
            if (produce(m, outDir, cacheDir)) {
                tally.reused.incrementAndGet();
            }
            tally.variants.addAndGet(m.variants().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            tally.failures.put(
                    m.hash(),
                    e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + Frontmatter.truncate(e.getMessage(), 120)));
        }
        return true;
    }

    /** {@code media} in order, a file whose conversion failed marked refused and reported. */
    private static List<MediaFile> withFailuresRefused(
            List<MediaFile> media, Map<String, String> failures, Issues issues) {
        List<MediaFile> result = new ArrayList<>();
        for (MediaFile m : media) {
            String failure = failures.get(m.hash());
            if (failure != null) {
                issues.add(Issue.MEDIA_FAILED, m.path(), 0, "could not be converted (" + failure + ")");
                result.add(new MediaFile(
                        m.path(),
                        m.file(),
                        m.kind(),
                        m.size(),
                        m.hash(),
                        m.width(),
                        m.height(),
                        Optional.of("conversion failed"),
                        List.of(),
                        Optional.empty()));
            } else {
                result.add(m);
            }
        }
        return result;
    }

    /** Produces one media file's outputs; true when they were reused (already there or cached). */
    private static boolean produce(MediaFile m, Path outDir, Optional<Path> cacheDir)
            throws IOException, InterruptedException {
        List<String> files = m.variants().isEmpty()
                ? List.of("media/" + m.hash() + "." + Vault.extension(m.path()))
                : m.variants().stream().map(MediaFile.Variant::file).toList();
        if (files.stream().allMatch(f -> Files.exists(outDir.resolve(f)))) {
            return true;
        }
        if (cacheDir.isPresent()
                && files.stream().allMatch(f -> Files.exists(cacheDir.get().resolve(f)))) {
            for (String f : files) {
                Files.copy(cacheDir.get().resolve(f), outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        }
        if (m.variants().isEmpty()) {
            atomicCopy(m.file(), outDir.resolve(files.get(0)));
        } else {
            ImageTranscoder.transcode(m, outDir);
        }
        if (cacheDir.isPresent()) {
            Files.createDirectories(cacheDir.get().resolve("media"));
            for (String f : files) {
                atomicCopy(outDir.resolve(f), cacheDir.get().resolve(f));
            }
        }
        return false;
    }

    private static void atomicCopy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling(
                to.getFileName() + ".tmp-" + Thread.currentThread().getId());
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
