package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/** Counts a working tree's files and bytes, without {@code .git} and without following symlinks. */
final class WorkingTree {

    /** Files (regular files and symlinks, as Git tracks them) and the bytes of the regular files. */
    record Stats(long files, long bytes) {
    }

    private WorkingTree() {
    }

    static Stats count(Path root) throws IOException, InterruptedException {
        long[] totals = new long[2];
        boolean[] interrupted = new boolean[1];
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (Thread.currentThread().isInterrupted()) {
                            interrupted[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        return dir.equals(root.resolve(".git")) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
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

    /**
     * Makes checkout write every file exactly as its blob, whatever the repository's {@code .gitattributes}
     * say: no end-of-line conversion, no {@code $Id$} expansion, no re-encoding, no filters. The attributes
     * go to {@code .git/info/attributes}, which takes precedence over the tree's (Git and JGit alike), so the
     * sizes summed before checkout ({@link TreeTally}) are the sizes written.
     */
    static void checkOutCommittedBytes(Path repo) throws TaskFailedException {
        try {
            Path info = Files.createDirectories(repo.resolve(".git").resolve("info"));
            Files.writeString(info.resolve("attributes"), "* -text -eol -ident -filter -working-tree-encoding\n");
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not prepare the checkout");
        }
    }

    /** Removes a directory tree if it exists (a failed clone's leftovers); links are removed, never followed. */
    static void deleteIfPresent(Path dir) throws TaskFailedException {
        try {
            if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Workspaces.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new TaskFailedException("could not clear a failed clone");
        }
    }
}
