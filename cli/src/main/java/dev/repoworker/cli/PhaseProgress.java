package dev.repoworker.cli;

import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.task.ProgressListener;
import java.io.PrintStream;

/** Progress of a local run: a bar redrawn in place on a terminal, one plain line per phase ({@link StepLines}) otherwise. */
final class PhaseProgress implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final StepLines plain;
    private String phase = "";
    private int lastLength;

    PhaseProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.plain = terminal ? null : new StepLines(out);
    }

    @Override
    public synchronized void report(Progress progress) {
        String message = Terminal.oneLine(progress.message());
        String counts = progress.total() > 0 ? " " + progress.done() + "/" + progress.total() : "";
        if (plain != null) {
            plain.show(progress.step(), String.format("%-8s%s %s", progress.step(), counts, message));
            return;
        }
        String bar = progress.total() > 0
                ? " [" + "#".repeat((int) Math.min(WIDTH, WIDTH * progress.done() / progress.total()))
                        + "-".repeat(WIDTH - (int) Math.min(WIDTH, WIDTH * progress.done() / progress.total())) + "]"
                        + counts
                : "";
        String line = String.format("%-8s%s %s", progress.step(), bar, message);
        if (!progress.step().equals(phase) && !phase.isEmpty()) {
            out.println();
            lastLength = 0;
        }
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        phase = progress.step();
        out.flush();
    }

    synchronized void end() {
        if (plain != null) {
            plain.end();
        } else if (lastLength > 0) {
            out.println();
            lastLength = 0;
        }
    }
}
