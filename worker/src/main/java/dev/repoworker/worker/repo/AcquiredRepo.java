package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.Timed;
import java.nio.file.Path;

/**
 * A repository cloned into a job's workspace. {@link #directory()} is for later pipeline steps only;
 * {@link #shown()} and {@link #result()} — what results carry — never contain it.
 */
public record AcquiredRepo(
        Path directory, String repoUrl, String branch, String commit, long files, long bytes, long durationMs) {

    /** What a result shows of a clone; repoUrl without credentials. */
    public record Shown(String repoUrl, String branch, String commit, long files, long bytes) {}

    public Shown shown() {
        return new Shown(repoUrl, branch, commit, files, bytes);
    }

    /** acquire-user-repo's result: exactly {@code {repoUrl, branch, commit, files, bytes, durationMs}}. */
    public Timed<Shown> result() {
        return new Timed<>(shown(), durationMs);
    }

    @Override
    public String toString() {
        return "AcquiredRepo" + result();
    }
}
