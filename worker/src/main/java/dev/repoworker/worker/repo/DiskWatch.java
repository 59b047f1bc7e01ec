package dev.repoworker.worker.repo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches how many bytes a folder holds while a download writes into it. A daemon thread measures it
 * every 100 ms or so (less often when measuring is slow); once it passes the limit the watch trips and
 * runs {@code onTrip} (kill git, cancel JGit). {@link #stop} measures one last time, so a download too
 * quick for the poll is caught as well.
 */
final class DiskWatch {

    private static final long MIN_INTERVAL_MS = 100;

    private final Path dir;
    private final long maxBytes;
    private final Runnable onTrip;
    private final AtomicBoolean tripped = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;

    private DiskWatch(Path dir, long maxBytes, Runnable onTrip) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.onTrip = onTrip;
        this.thread = new Thread(this::poll, "repo-disk-watch");
        thread.setDaemon(true);
    }

    static DiskWatch start(Path dir, long maxBytes, Runnable onTrip) {
        DiskWatch watch = new DiskWatch(dir, maxBytes, onTrip);
        watch.thread.start();
        return watch;
    }

    /** True once the folder has been seen holding more than the limit. */
    boolean tripped() {
        return tripped.get();
    }

    /** Stops watching and measures once more; true when the folder ever held more than the limit. */
    boolean stop() {
        if (stopped.compareAndSet(false, true)) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the job is being stopped; the caller sees the flag
            }
            measure();
        }
        return tripped.get();
    }

    private void poll() {
        while (!stopped.get() && !tripped.get()) {
            long began = System.nanoTime();
            measure();
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            try {
                Thread.sleep(Math.max(MIN_INTERVAL_MS, tookMs * 4));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void measure() {
        if (sizeOf(dir) > maxBytes && tripped.compareAndSet(false, true)) {
            onTrip.run();
        }
    }

    /** Bytes of the regular files under {@code dir}, links not followed; files vanishing meanwhile are skipped. */
    static long sizeOf(Path dir) {
        long[] total = new long[1];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // the folder does not exist yet (or no longer): nothing written
        }
        return total[0];
    }
}
