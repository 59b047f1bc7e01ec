package dev.repoworker.worker.repo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/** Counts a checked-out tree on disk, without {@code .git} and without following symlinks: what the clone's own count must match. */
final class WorkingTreeCount {

    /** Files (regular files and symlinks, as Git tracks them) and the bytes of the regular files. */
    record Stats(long files, long bytes) {}

    private WorkingTreeCount() {}

    static Stats count(Path root) throws IOException, InterruptedException {
        long[] totals = new long[2];
        boolean[] interrupted = new boolean[1];
        Files.walkFileTree(
                root,
                EnumSet.noneOf(java.nio.file.FileVisitOption.class),
                Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (Thread.currentThread().isInterrupted()) {
                            interrupted[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        return dir.equals(root.resolve(".git"))
                                ? FileVisitResult.SKIP_SUBTREE
                                : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (file.equals(root.resolve(".git"))) {
                            return FileVisitResult.CONTINUE; // a .git file (worktree link), not content
                        }
                        if (attrs.isRegularFile()) {
                            totals[0]++;
                            totals[1] += attrs.size();
                        } else if (attrs.isSymbolicLink()) {
                            totals[0]++;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        if (interrupted[0]) {
            throw new InterruptedException("counting files was interrupted");
        }
        return new Stats(totals[0], totals[1]);
    }
}
