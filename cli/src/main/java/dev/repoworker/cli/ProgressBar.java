package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Set;

/**
 * A job's progress as {@code submit --wait} shows it: on a terminal, status, step and a bar redrawn in place;
 * otherwise one plain line per step ({@link StepLines}).
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
    private final PrintStream out;
    private final StepLines plain;
    private String last = "";

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.plain = terminal ? null : new StepLines(out);
    }

    void show(String status, JsonNode progress) {
        long total = progress == null ? 0 : progress.path("total").asLong();
        // a job that completed went through all of its last step, whatever its last report said
        long done = progress == null
                ? 0
                : status.equals("completed") ? total : progress.path("done").asLong();
        if (plain != null) {
            if (progress == null) {
                if (!FINAL.contains(status)) { // how the job ended is submit's own last line
                    plain.show(status, status);
                }
            } else {
                String step = Terminal.oneLine(progress.path("step").asText());
                plain.show(
                        step,
                        step + (total > 0 ? " " + done + "/" + total : "") + " "
                                + Terminal.oneLine(progress.path("message").asText("")));
            }
            return;
        }
        String line = status;
        if (progress != null) {
            String bar = "";
            if (total > 0) {
                int filled = (int) Math.min(WIDTH, WIDTH * done / total);
                bar = " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
            }
            line = status + " " + Terminal.oneLine(progress.path("step").asText()) + bar + " "
                    + Terminal.oneLine(progress.path("message").asText(""));
        }
        if (!line.equals(last)) {
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
            out.flush();
            last = line;
        }
    }

    void end() {
        if (plain != null) {
            plain.end();
        } else if (!last.isEmpty()) {
            out.println();
            last = "";
        }
    }
}
