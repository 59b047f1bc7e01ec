package dev.repoworker.worker.assets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Last commit date of every file under a folder, from one {@code git log --name-only} run (argument array, no
 * shell). Empty when the folder is not in a Git repository or git is missing; callers fall back to file times.
 */
final class GitDates {

    private static final String MARK = "\u0001";

    private GitDates() {}

    /** Path relative to {@code root} (with {@code /}) → ISO-8601 instant of the newest commit touching it. */
    static Map<String, String> lastCommitDates(Path root) throws InterruptedException {
        List<String> command = List.of(
                "git",
                "-c",
                "core.quotepath=off",
                "-c",
                "core.fsmonitor=false",
                "-c",
                "safe.directory=*",
                "log",
                "--format=" + MARK + "%cI",
                "--name-only",
                "--no-renames",
                "--relative",
                "--",
                ".");
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(root.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
        Map<String, String> dates = new HashMap<>();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Map.of();
        }
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            process.getOutputStream().close();
            String current = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("git log interrupted");
                }
                if (line.startsWith(MARK)) {
                    current = iso(line.substring(1));
                } else if (!line.isEmpty() && current != null) {
                    dates.putIfAbsent(line, current);
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Map.of();
            }
            return dates;
        } catch (IOException e) {
            return Map.of();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String iso(String text) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant().toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
