package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** A one-line progress display: status, step and a bar, redrawn in place. */
final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private String last = "";

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    void show(String status, JsonNode progress) {
        String line = status;
        if (progress != null) {
            long total = progress.path("total").asLong();
            // a job that completed went through all of its last step, whatever its last report said
            long done = status.equals("completed") ? total : progress.path("done").asLong();
            String bar = "";
            if (total > 0) {
                int filled = (int) Math.min(WIDTH, WIDTH * done / total);
                bar = " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
            }
            line = status + " " + progress.path("step").asText() + bar + " " + progress.path("message").asText("");
        }
        if (!line.equals(last)) {
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
            out.flush();
            last = line;
        }
    }

    void end() {
        if (!last.isEmpty()) {
            out.println();
        }
    }
}
