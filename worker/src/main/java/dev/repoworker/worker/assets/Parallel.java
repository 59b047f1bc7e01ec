package dev.repoworker.worker.assets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@code work(0…n-1)} on up to {@code threads} platform threads (the work is CPU-bound: one thread per core
 * is all that pays), each taking the next index, so a slow item holds up one thread only. The calling thread waits.
 */
final class Parallel {

    /** One item's work; may throw IOException. */
    interface Work {
        void run(int index) throws IOException;
    }

    private Parallel() {}

    /**
     * @throws IOException          the first IOException an item threw (the other items stop)
     * @throws InterruptedException the calling thread was interrupted (the items stop)
     */
    static void forEach(int n, int threads, String name, Work work) throws IOException, InterruptedException {
        int workers = Math.max(1, Math.min(threads, n));
        if (workers == 1) {
            for (int i = 0; i < n; i++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException(name + " interrupted");
                }
                work.run(i);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < workers; k++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n
                            && !Thread.currentThread().isInterrupted()) {
                        try {
                            work.run(i);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            next.set(n);
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(name + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException(name + " interrupted");
        }
    }
}
