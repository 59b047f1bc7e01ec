package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;

/** A clone refused by {@link RepoLimits}; the Git implementations remove what was written before failing. */
public final class RepoTooLargeException extends TaskFailedException {

    public RepoTooLargeException(String message) {
        super(message);
    }
}
