package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A cloned working tree: written exactly as committed, and removed when a clone fails. */
final class WorkingTree {

    private WorkingTree() {}

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
