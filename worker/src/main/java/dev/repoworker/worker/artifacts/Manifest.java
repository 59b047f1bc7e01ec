package dev.repoworker.worker.artifacts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** {@code manifest.json}: every regular file under a directory with its size and sha256, sorted by path. */
public final class Manifest {

    public static final String FILE_NAME = "manifest.json";

    @JsonPropertyOrder({"path", "size", "sha256"})
    public record Entry(String path, long size, String sha256) {}

    @JsonPropertyOrder({"files", "totalBytes", "entries"})
    public record Content(int files, long totalBytes, List<Entry> entries) {}

    private Manifest() {}

    /** Lists {@code directory} (symlinks are not followed) and writes {@code manifest.json} into it. */
    public static Content write(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> !directory.relativize(f).toString().equals(FILE_NAME))
                    .toList();
        }
        // Hashing is most of the cost (a build writes every post twice): the files are hashed on every core.
        List<Entry> entries;
        try {
            entries = new ArrayList<>(
                    files.parallelStream().map(file -> entry(directory, file)).toList());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        entries.sort(java.util.Comparator.comparing(Entry::path));
        long total = entries.stream().mapToLong(Entry::size).sum();
        Content content = new Content(entries.size(), total, entries);
        Files.write(
                directory.resolve(FILE_NAME),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
        return content;
    }

    private static Entry entry(Path directory, Path file) {
        try {
            return new Entry(directory.relativize(file).toString().replace('\\', '/'), Files.size(file), sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
