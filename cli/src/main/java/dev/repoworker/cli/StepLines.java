package dev.repoworker.cli;

import java.io.PrintStream;

/**
 * Progress off a terminal, for log files and pipes: one plain line per step, written when the step is over
 * (the next one began, or the run ended), with the step's last counts and message. No {@code \r}, no bar.
 */
final class StepLines {

    private final PrintStream out;
    private String step;
    private String line;

    StepLines(PrintStream out) {
        this.out = out;
    }

    /** The latest state of {@code step}, shown as {@code line}; a different step writes the previous one's line. */
    synchronized void show(String step, String line) {
        if (this.step != null && !this.step.equals(step)) {
            end();
        }
        this.step = step;
        this.line = line;
    }

    /** Writes the current step's line, if any. */
    synchronized void end() {
        if (line != null) {
            out.println(line);
            out.flush();
        }
        step = null;
        line = null;
    }
}
