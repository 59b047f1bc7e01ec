package dev.repoworker.worker.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-job folders under {@code TEMP_DIR/jobs}, removed when the job ends unless {@code KEEP_TMP_FILES}.
 * A Worker {@linkplain #removingInBackground removes them in the background}: a released workspace is
 * renamed into {@code TEMP_DIR/trash} at once (it leaves {@code jobs/} before the job's callback does)
 * and its files are deleted by one thread, off the job's path; what a crash leaves in the trash is
 * deleted at the next start.
 */
public final class Workspaces {

    private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);

    private final Path root;
    private final Path trash;
    private final boolean keep;
    private final ExecutorService remover;

    /** Removes each workspace on the thread that releases it. */
    public Workspaces(Path tempDir, boolean keep) {
        this(tempDir, keep, null);
    }

    private Workspaces(Path tempDir, boolean keep, ExecutorService remover) {
        this.root = tempDir.toAbsolutePath().normalize().resolve("jobs");
        this.trash = root.resolveSibling("trash");
        this.keep = keep;
        this.remover = remover;
    }

    /** Renames each released workspace into the trash and deletes it on a background thread; empties the trash left by an earlier run. */
    public static Workspaces removingInBackground(Path tempDir, boolean keep) {
        Workspaces workspaces = new Workspaces(tempDir, keep, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "workspace-remover");
            t.setDaemon(true);
            return t;
        }));
        workspaces.emptyTrash();
        return workspaces;
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

    /** Removes a workspace and everything in it (symbolic links are removed, never followed), or hands it to the background remover. */
    public void release(Path workspace) {
        if (workspace == null || keep || !Files.exists(workspace)) {
            return;
        }
        if (!workspace.toAbsolutePath().normalize().startsWith(root)) {
            throw new IllegalArgumentException("not a workspace: " + workspace);
        }
        if (remover == null) {
            remove(workspace);
            return;
        }
        Path doomed;
        try {
            Files.createDirectories(trash);
            doomed = Files.move(workspace, trash.resolve(workspace.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            remove(workspace);
            return;
        }
        remover.execute(() -> remove(doomed));
    }

    /** Waits up to {@code wait} for the background remover to finish what it was given; it takes no more work after. */
    public void close(Duration wait) throws InterruptedException {
        if (remover != null) {
            remover.shutdown();
            if (!remover.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("workspaces still being removed at shutdown are left in {}", trash);
            }
        }
    }

    private void emptyTrash() {
        if (!Files.isDirectory(trash)) {
            return;
        }
        try (Stream<Path> left = Files.list(trash)) {
            left.forEach(dir -> remover.execute(() -> remove(dir)));
        } catch (IOException e) {
            LOG.warn("could not list {}: {}", trash, e.toString());
        }
    }

    private static void remove(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("could not remove workspace {}: {}", dir, e.toString());
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
                    Files.copy(
                            source,
                            target,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
