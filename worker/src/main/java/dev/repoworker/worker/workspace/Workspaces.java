package dev.repoworker.worker.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Per-job folders under {@code TEMP_DIR/jobs}, removed when the job ends unless {@code KEEP_TMP_FILES}. */
public final class Workspaces {

    private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);

    private final Path root;
    private final boolean keep;

    public Workspaces(Path tempDir, boolean keep) {
        this.root = tempDir.toAbsolutePath().normalize().resolve("jobs");
        this.keep = keep;
    }

    public Path root() {
        return root;
    }

    /** A new empty folder for one run of a job; the name is unique even for the same job id. */
    public Path create(String jobId) {
        String safe = jobId.replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = root.resolve(safe + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a workspace under " + root, e);
        }
    }

    /** Removes a workspace and everything in it; symbolic links are removed, never followed. */
    public void release(Path workspace) {
        if (workspace == null || keep || !Files.exists(workspace)) {
            return;
        }
        if (!workspace.toAbsolutePath().normalize().startsWith(root)) {
            throw new IllegalArgumentException("not a workspace: " + workspace);
        }
        try {
            deleteTree(workspace);
        } catch (IOException e) {
            LOG.warn("could not remove workspace {}: {}", workspace, e.toString());
        }
    }

    /** Deletes a tree bottom-up; symbolic links are deleted themselves, never followed. */
    public static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                file.toFile().setWritable(true);
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies the tree {@code from} into {@code to}, replacing files of the same name; links are copied as links. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
