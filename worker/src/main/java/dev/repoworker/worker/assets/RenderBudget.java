package dev.repoworker.worker.assets;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What rendering one note (with the notes it embeds) may cost. flexmark has inputs on which it takes time quadratic
 * in a paragraph's length (an unclosed {@code [a](} repeated, for one), so a hostile note of a few megabytes could
 * keep a worker busy for hours. flexmark reads the Markdown through {@link #chars}, which counts the reads of each
 * text (a deterministic bound: the same outcome on every machine) and, now and then, checks the CPU time the render
 * has used (the backstop for work between reads). Either limit ends the render with {@link Exceeded}.
 */
final class RenderBudget {

    /** Character reads allowed per character of a text, on top of {@link #BASE_READS}; linear parsing needs ~10. */
    static final long READS_PER_CHAR = 100;
    static final long BASE_READS = 50_000_000L;
    private static final int READS_PER_CLOCK_CHECK = 1 << 20;
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

    /** {@code text} as flexmark should read it: every read counted against this budget. */
    CharSequence chars(String text) {
        return new Counted(text, BASE_READS + READS_PER_CHAR * text.length());
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private final class Counted implements CharSequence {
        private final String text;
        private long remaining;
        private int untilClockCheck = READS_PER_CLOCK_CHECK;

        Counted(String text, long reads) {
            this.text = text;
            this.remaining = reads;
        }

        @Override
        public char charAt(int index) {
            if (--remaining < 0) {
                throw new Exceeded("needed more than " + READS_PER_CHAR + " reads per character");
            }
            if (--untilClockCheck == 0) {
                untilClockCheck = READS_PER_CLOCK_CHECK;
                check();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
