package dev.repoworker.worker.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The history of a clone, read with the {@code git} CLI (argument arrays, never a shell string): per file the
 * first and last commit dates and the authors, and the repository's commit count and contributors. Only for
 * full clones: a shallow clone ({@code depth} other than 0) has no history worth reporting.
 */
public final class GitHistory {

    /** One file's history; dates are ISO-8601 UTC author dates. */
    public record FileHistory(String created, String updated, List<String> authors, int commits) {}

    /** A contributor: author name and number of commits. */
    public record Contributor(String name, int commits) {}

    public record History(int commits, List<Contributor> contributors, Map<String, FileHistory> files) {}

    private static final long TIMEOUT_SECONDS = 120;

    private GitHistory() {}

    /** Empty when {@code repo} is not a Git working tree, is shallow, or git is unavailable. */
    public static Optional<History> read(Path repo) throws InterruptedException {
        if (!Files.exists(repo.resolve(".git"))) {
            return Optional.empty();
        }
        try {
            String shallow = run(repo, "rev-parse", "--is-shallow-repository").trim();
            if (!shallow.equals("false")) {
                return Optional.empty();
            }
            String log = run(
                    repo,
                    "-c",
                    "core.quotePath=false",
                    "log",
                    "--no-renames",
                    "--format=%x1e%H%x1f%at%x1f%an",
                    "--name-only",
                    "HEAD");
            return Optional.of(parse(log));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static History parse(String log) {
        int commits = 0;
        Map<String, Integer> byAuthor = new LinkedHashMap<>();
        Map<String, String[]> dates = new TreeMap<>(); // path → [created, updated]
        Map<String, LinkedHashSet<String>> authors = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (String record : log.split("\u001e")) {
            if (record.isBlank()) {
                continue;
            }
            String[] lines = record.split("\n");
            String[] head = lines[0].split("\u001f", -1);
            if (head.length < 3) {
                continue;
            }
            commits++;
            String date = isoDate(head[1]);
            String author = head[2];
            byAuthor.merge(author, 1, Integer::sum);
            for (int i = 1; i < lines.length; i++) {
                String path = lines[i].trim();
                if (path.isEmpty()) {
                    continue;
                }
                // git log is newest first: the first date seen is the last change, the last one seen the creation
                String[] d = dates.computeIfAbsent(path, p -> new String[] {date, date});
                d[0] = date;
                authors.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(author);
                counts.merge(path, 1, Integer::sum);
            }
        }
        Map<String, FileHistory> files = new TreeMap<>();
        dates.forEach((path, d) ->
                files.put(path, new FileHistory(d[0], d[1], new ArrayList<>(authors.get(path)), counts.get(path))));
        List<Contributor> contributors = byAuthor.entrySet().stream()
                .map(e -> new Contributor(e.getKey(), e.getValue()))
                .sorted((a, b) -> a.commits() != b.commits()
                        ? Integer.compare(b.commits(), a.commits())
                        : a.name().compareTo(b.name()))
                .toList();
        return new History(commits, contributors, files);
    }

    private static String isoDate(String epochSeconds) {
        try {
            return java.time.Instant.ofEpochSecond(Long.parseLong(epochSeconds.trim()))
                    .toString();
        } catch (NumberFormatException e) {
            return epochSeconds;
        }
    }

    private static String run(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process process = builder.start();
        try (InputStream in = process.getInputStream()) {
            byte[] out = in.readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("git " + args[0] + " failed");
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }
}
