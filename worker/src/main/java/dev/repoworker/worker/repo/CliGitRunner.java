package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the git commands of one {@link CliClone} in its {@link GitEnvironment}, and turns what goes wrong into
 * the task's errors: git that cannot start, a download past {@link RepoLimits#maxBytes()}, and a failure
 * classified from stderr with the token and local paths scrubbed out.
 */
final class CliGitRunner {

    private final Map<String, String> env;
    private final String branch;
    private final GitErrors.Scrubber scrubber;
    private final RepoLimits limits;

    CliGitRunner(Map<String, String> env, String branch, GitErrors.Scrubber scrubber, RepoLimits limits) {
        this.env = env;
        this.branch = branch;
        this.scrubber = scrubber;
        this.limits = limits;
    }

    GitProcess.Result run(List<String> command, GitProgress progress) throws TaskFailedException, InterruptedException {
        try {
            return GitProcess.run(command, env, null, progress);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
    }

    /** Like {@link #run(List, GitProgress)}, killing git once {@code limit} is passed. */
    GitProcess.Result run(List<String> command, GitProgress progress, GitProcess.DiskLimit limit)
            throws TaskFailedException, InterruptedException {
        try {
            return GitProcess.run(command, env, progress, limit);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
    }

    GitProcess.Result runOk(List<String> command, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        return expectOk(run(command, progress));
    }

    GitProcess.Result runOk(List<String> command, GitProgress progress, GitProcess.DiskLimit limit)
            throws TaskFailedException, InterruptedException {
        return expectOk(run(command, progress, limit));
    }

    /** Counts the files the ls-tree {@code command} lists and sums their sizes; throws when a limit is passed. */
    TreeTally tally(List<String> command) throws TaskFailedException, InterruptedException {
        return LsTree.tally(command, env, limits);
    }

    /** What a failed git said, classified (auth, missing repository or branch, …) and scrubbed. */
    TaskFailedException failure(GitProcess.Result result) {
        return GitErrors.classify(result.stderr(), branch, scrubber);
    }

    void createDirectory(Path dir) throws TaskFailedException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: " + scrubber.scrub(String.valueOf(e.getMessage())));
        }
    }

    private GitProcess.Result expectOk(GitProcess.Result result) throws TaskFailedException {
        if (result.overLimit()) {
            throw limits.downloadTooLarge();
        }
        if (!result.ok()) {
            throw failure(result);
        }
        return result;
    }
}
