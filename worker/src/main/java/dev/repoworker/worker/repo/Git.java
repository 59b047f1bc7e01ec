package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;

/**
 * The seam to Git: clone one branch of a repository into a directory. Two implementations behave
 * the same ({@link CliGit}, {@link JGitGit}); {@link Gits#forConfig} picks one.
 *
 * <p>Failures are {@link TaskFailedException}s whose messages are safe for a callback:
 * {@code repository not found}, {@code branch 'x' not found}, {@code authentication failed},
 * {@code commit 'sha' not found}, else {@code git clone failed: …} — never with the token, credentials
 * or the worker's local paths. An interrupted thread stops the clone and gets an {@link InterruptedException}.
 */
public interface Git {

    /** {@code cli} or {@code jgit}. */
    String name();

    /**
     * Clones {@code request} into {@code directory} (which must not exist or be empty) and checks
     * out the branch tip, or exactly {@code request.commit()} when one is pinned (detached HEAD).
     */
    Cloned cloneRepo(CloneRequest request, Path directory, GitProgress progress)
            throws TaskFailedException, InterruptedException;

    /**
     * What was checked out: the full sha of HEAD, the branch it came from, and the files and bytes of its
     * tree as counted before the checkout (symbolic links are files of no bytes; submodules are not files).
     */
    record Cloned(String commit, String branch, long files, long bytes) {}
}
