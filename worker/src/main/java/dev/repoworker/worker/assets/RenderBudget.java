package dev.repoworker.worker.assets;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time rendering one note (with the notes it embeds) may take, checked between its stages (text pass,
 * parse, DOM pass, each embed). commonmark-java parses in time linear in its input, and {@link BoundedInlineParser}
 * refuses its one superlinear case before it starts, so no single stage runs away; this is the backstop for a note
 * whose stages add up, such as one embedding the same large note many times. Exceeding it ends the render with
 * {@link Exceeded}.
 */
final class RenderBudget {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The render needed more than its budget. */
    static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    private final long cpuLimitNanos;
    private final long startNanos;

    /** Starts the clock for one note's render, on the thread that renders it. */
    RenderBudget(long cpuLimitMillis) {
        this.cpuLimitNanos = cpuLimitMillis * 1_000_000L;
        this.startNanos = cpuNanos();
    }

    /** Throws when the render has used up its CPU time. */
    void check() {
        long used = cpuNanos() - startNanos;
        if (used > cpuLimitNanos) {
            throw new Exceeded("took more than " + cpuLimitNanos / 1_000_000_000.0 + " s of CPU time");
        }
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
