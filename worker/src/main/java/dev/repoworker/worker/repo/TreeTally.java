package dev.repoworker.worker.repo;

/**
 * Counts the files of a tree about to be checked out and sums their blob sizes, stopping at the first
 * limit passed (a tree that reuses subtrees can name billions of files in a few kilobytes). Symbolic
 * links count as files but not as bytes, like {@link WorkingTree}; submodule entries are not files.
 */
final class TreeTally {

    private final RepoLimits limits;
    private long files;
    private long bytes;
    private RepoTooLargeException exceeded;

    TreeTally(RepoLimits limits) {
        this.limits = limits;
    }

    /** Adds one blob entry; false once a limit has been passed, so the caller stops walking. */
    synchronized boolean add(boolean symlink, long size) {
        if (exceeded != null) {
            return false;
        }
        files++;
        if (!symlink) {
            bytes = size > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : bytes + Math.max(size, 0);
        }
        if (files > limits.maxFiles()) {
            exceeded = limits.tooManyFiles();
        } else if (bytes > limits.maxBytes()) {
            exceeded = limits.tooManyBytes();
        }
        return exceeded == null;
    }

    /** Throws the limit that was passed, if any. */
    synchronized void check() throws RepoTooLargeException {
        if (exceeded != null) {
            throw exceeded;
        }
    }

    synchronized long files() {
        return files;
    }

    synchronized long bytes() {
        return bytes;
    }
}
