package dev.repoworker.worker.repo;

import dev.repoworker.worker.WorkerConfig;

/**
 * How much one clone may hold ({@code MAX_REPO_BYTES}, {@code MAX_REPO_FILES}). Both {@link Git}
 * implementations apply them twice: while downloading (the clone folder, {@code .git} included, may not
 * grow past {@code maxBytes}) and before checkout (the files of the tree to check out, counted and their
 * sizes summed from the object database, may not pass either limit), so a highly compressible blob is
 * refused before it is written out.
 */
public record RepoLimits(long maxBytes, long maxFiles) {

    public static final RepoLimits DEFAULTS =
            new RepoLimits(WorkerConfig.DEFAULT_MAX_REPO_BYTES, WorkerConfig.DEFAULT_MAX_REPO_FILES);

    public RepoLimits {
        if (maxBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("repository limits must be positive");
        }
    }

    RepoTooLargeException tooManyFiles() {
        return new RepoTooLargeException(
                "repository has more than " + maxFiles + " files; the limit is MAX_REPO_FILES=" + maxFiles);
    }

    RepoTooLargeException tooManyBytes() {
        return new RepoTooLargeException(
                "repository files hold more than " + maxBytes + " bytes; the limit is MAX_REPO_BYTES=" + maxBytes);
    }

    RepoTooLargeException downloadTooLarge() {
        return new RepoTooLargeException(
                "repository download grew past " + maxBytes + " bytes; the limit is MAX_REPO_BYTES=" + maxBytes);
    }
}
