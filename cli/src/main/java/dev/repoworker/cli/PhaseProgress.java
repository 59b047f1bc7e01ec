package dev.repoworker.cli;

import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.task.ProgressListener;
import java.io.PrintStream;

/** Progress of a local run: a bar redrawn in place on a terminal, one line per phase (and at most one a second) otherwise. */
final class PhaseProgress implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private String phase = "";
    private long lastLine;
    private int lastLength;

    PhaseProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void report(Progress progress) {
        String bar = progress.total() > 0
                ? " [" + "#".repeat((int) Math.min(WIDTH, WIDTH * progress.done() / progress.total()))
                + "-".repeat(WIDTH - (int) Math.min(WIDTH, WIDTH * progress.done() / progress.total())) + "] "
                + progress.done() + "/" + progress.total()
                : "";
        String line = String.format("%-8s%s %s", progress.step(), bar, progress.message() == null ? "" : progress.message());
        if (terminal) {
            if (!progress.step().equals(phase) && !phase.isEmpty()) {
                out.println();
                lastLength = 0;
            }
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            long now = System.currentTimeMillis();
            boolean finished = progress.total() > 0 && progress.done() >= progress.total();
            if (!progress.step().equals(phase) || finished || now - lastLine >= 1000) {
                out.println(line);
                lastLine = now;
            }
        }
        phase = progress.step();
        out.flush();
    }

    synchronized void end() {
        if (terminal && lastLength > 0) {
            out.println();
            lastLength = 0;
        }
    }
}
