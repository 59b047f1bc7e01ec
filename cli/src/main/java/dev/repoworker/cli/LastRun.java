package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * What the last {@code process} run into one {@code --out} was made from, kept in the cache folder as
 * {@code runs/<sha256 of --out>.json}: a fingerprint of its inputs (every file of the vault folder but hidden folders, by path, size,
 * modification time and CRC-32 — the time is an input, it dates notes outside Git —, the Git commit, the task
 * and its data, the embedding settings, the launcher jar) and a listing of {@code --out} as it left it. When both
 * still match, running again would write the same artifacts, so the run is skipped.
 */
record LastRun(String inputs, String output, JsonNode summary) {

    /** Variables that change what a local run writes (the rest set paths, ports and servers). */
    private static final List<String> OUTPUT_VARIABLES =
            List.of("EMBEDDINGS_URL", "EMBEDDINGS_MODEL", "EMBEDDINGS_DIMENSION", "MAX_REPO_FILES");

    static Optional<LastRun> read(Path cache, Path out) {
        Path file = file(cache, out);
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(Json.mapper().readValue(file.toFile(), LastRun.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void write(Path cache, Path out) throws IOException {
        Path file = file(cache, out);
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), ".run", ".tmp");
        Json.mapper().writeValue(temp.toFile(), this);
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path file(Path cache, Path out) {
        return cache.resolve("runs")
                .resolve(sha256(out.toAbsolutePath().normalize().toString()) + ".json");
    }

    /** The fingerprint of a run's inputs; {@code vault} is the local folder being processed. */
    static String inputs(Path vault, String task, Map<String, Object> data, Map<String, String> env)
            throws IOException, InterruptedException {
        MessageDigest digest = digest();
        line(digest, "format", CacheFolder.FORMAT);
        line(digest, "task", task);
        line(digest, "data", Json.mapper().writeValueAsString(new TreeMap<>(data)));
        for (String name : OUTPUT_VARIABLES) {
            line(digest, name, env.getOrDefault(name, ""));
        }
        line(digest, "launcher", launcher());
        line(digest, "git", gitHead(vault));
        for (String entry : files(vault, true)) {
            line(digest, "file", entry);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The fingerprint of {@code --out} as it is now: each file's path, size and modification time. */
    static String output(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return "";
        }
        MessageDigest digest = digest();
        for (String entry : files(out, false)) {
            line(digest, "file", entry);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One sorted line per file under {@code root}, not following links; for a vault, without hidden folders. */
    private static List<String> files(Path root, boolean withContent) throws IOException {
        List<String> entries = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // The build skips hidden folders (.git, .obsidian, a cache folder inside the vault); their files are no
                // input.
                return withContent
                                && !dir.equals(root)
                                && dir.getFileName().toString().startsWith(".")
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String path = root.relativize(file).toString();
                if (attrs.isSymbolicLink()) {
                    entries.add(path + " -> " + Files.readSymbolicLink(file));
                } else {
                    entries.add(path + " " + attrs.size() + " "
                            + attrs.lastModifiedTime().toMillis()
                            + (withContent && attrs.isRegularFile() ? " " + contentHash(file) : ""));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort(null);
        return entries;
    }

    /**
     * CRC-32 of the bytes: with the size and time it only has to catch an edit that kept both, and zlib's CRC is fast
     * in a JVM that has not warmed up yet, unlike SHA-256 (the build hashes the notes with SHA-256 anyway).
     */
    private static String contentHash(Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        return Long.toHexString(crc.getValue());
    }

    /** The commit the notes' dates come from, or "" outside Git. */
    private static String gitHead(Path vault) throws InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "-c", "safe.directory=*", "rev-parse", "HEAD")
                    .directory(vault.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 ? head : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The code that runs: the launcher jar (or classes folder) by size and time, so a rebuilt launcher never reuses. */
    private static String launcher() {
        try {
            Path code = Path.of(LastRun.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return code + " " + Files.size(code) + " "
                    + Files.getLastModifiedTime(code).toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown " + System.nanoTime();
        }
    }

    private static void line(MessageDigest digest, String key, String value) {
        digest.update((key + "\t" + value + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        MessageDigest digest = digest();
        return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
