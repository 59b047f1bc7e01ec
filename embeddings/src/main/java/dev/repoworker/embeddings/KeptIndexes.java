package dev.repoworker.embeddings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@code embeddings/} folder of each source (a repository, say), kept so that the next run over it updates
 * that index instead of building one: {@code <dir>/<sha256(source)[0..16]>/<version>/} holds one run's folder, never
 * changed once written, and the file {@code current} beside it names the newest version (replaced atomically). A
 * reader links the files of the version it read from {@code current}; a version removed meanwhile makes its copy fail
 * as a whole, and the run builds from scratch. Which source a run names only decides how much it can reuse: an update
 * compares every post's content, so a kept index of another source is never misread.
 */
public final class KeptIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(KeptIndexes.class);
    private static final String CURRENT = "current";

    private final Path dir;

    public KeptIndexes(Path dir) {
        this.dir = dir;
    }

    /** The kept folder of {@code source}, if any; it may vanish at any time (see the class comment). */
    Optional<Path> find(String source) {
        Path slot = slot(source);
        try {
            String version = Files.readString(slot.resolve(CURRENT), StandardCharsets.UTF_8)
                    .strip();
            Path kept = slot.resolve(version);
            return version.matches("[0-9a-f-]{36}") && Files.isDirectory(kept) ? Optional.of(kept) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("no kept index for a source: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Keeps a copy (hard links where possible) of {@code embeddingsDir} as {@code source}'s newest, dropping older ones. */
    void keep(String source, Path embeddingsDir) throws IOException {
        Path slot = slot(source);
        String version = UUID.randomUUID().toString();
        Files.createDirectories(slot);
        Folders.link(embeddingsDir, slot.resolve(version));
        Path pointer = slot.resolve(CURRENT + "." + version + ".tmp");
        Files.writeString(pointer, version, StandardCharsets.UTF_8);
        try {
            Files.move(
                    pointer,
                    slot.resolve(CURRENT),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(pointer, slot.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING);
        }
        dropAllBut(slot, version);
    }

    /** Versions other than this run's and the current one (a concurrent run may have made {@code current} name its own). */
    private static void dropAllBut(Path slot, String version) throws IOException {
        String current =
                Files.readString(slot.resolve(CURRENT), StandardCharsets.UTF_8).strip();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(slot, Files::isDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(version) && !name.equals(current)) {
                    Folders.deleteRecursively(entry);
                }
            }
        }
    }

    private Path slot(String source) {
        return dir.resolve(EmbeddingCache.sha256(source).substring(0, 16));
    }

    /** For tests: the versions kept for {@code source}. */
    long versions(String source) throws IOException {
        if (!Files.isDirectory(slot(source))) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(slot(source))) {
            return entries.filter(Files::isDirectory).count();
        }
    }
}
