package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@link CliGit} clone, step by step: download without checkout under a {@link DiskWatch} (a clone of the
 * branch, or for a pinned commit an init and a fetch of that commit), count the tree, check it out within the
 * limits, and read HEAD.
 */
final class CliClone {

    private final GitCommandLine git;
    private final RepoLimits limits;
    private final CloneRequest request;
    private final Path dir;
    private final List<String> pins;
    private final GitProgress progress;
    private final CliGitRunner runner;
    private final GitProcess.DiskLimit download;

    CliClone(
            GitCommandLine git,
            RepoLimits limits,
            CloneRequest request,
            Path dir,
            List<String> pins,
            GitProgress progress) {
        this.git = git;
        this.limits = limits;
        this.request = request;
        this.dir = dir;
        this.pins = pins;
        this.progress = progress;
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(request.token(), List.of(dir));
        this.runner = new CliGitRunner(GitEnvironment.of(request.token()), request.branch(), scrubber, limits);
        this.download = new GitProcess.DiskLimit(dir, limits.maxBytes());
    }

    Git.Cloned run() throws TaskFailedException, InterruptedException {
        String checkoutTarget;
        if (request.commit().isPresent()) {
            fetchPinned();
            checkoutTarget = request.commit().orElseThrow();
        } else {
            runner.runOk(git.cloneCommand(request, dir, pins), progress, download);
            checkoutTarget = "HEAD";
        }
        TreeTally tally =
                runner.tally(git.command(dir, "ls-tree", "-r", "-l", "-z", "--full-tree", checkoutTarget, "--"));
        WorkingTree.checkOutCommittedBytes(dir);
        runner.runOk(checkoutCommand(checkoutTarget), progress);
        GitProcess.Result head =
                runner.runOk(git.command(dir, "rev-parse", "--verify", "HEAD^{commit}"), GitProgress.NONE);
        if (Thread.interrupted()) {
            throw new InterruptedException("clone stopped because the job was interrupted");
        }
        return new Git.Cloned(head.stdout().trim(), request.branch(), tally.files(), tally.bytes());
    }

    /** A pinned commit is checked out detached; a branch's HEAD in place. */
    private List<String> checkoutCommand(String target) {
        return request.commit().isPresent()
                ? git.command(
                        dir,
                        "-c",
                        "advice.detachedHead=false",
                        "checkout",
                        "-q",
                        "--progress",
                        "--no-recurse-submodules",
                        "--detach",
                        target,
                        "--")
                : git.command(dir, "checkout", "-q", "--progress", "-f", "--no-recurse-submodules", target, "--");
    }

    /** Fetches the pinned commit (and the branch it must be on) into a new repository, without checkout. */
    private void fetchPinned() throws TaskFailedException, InterruptedException {
        String sha = request.commit().orElseThrow();
        runner.createDirectory(dir);
        runner.runOk(git.global("init", "-q", "--template=", "--", dir.toString()), progress);
        runner.runOk(git.command(dir, "remote", "add", "origin", "--", request.url()), progress);
        requireBranch();
        GitProcess.Result fetch =
                runner.run(git.fetchCommitCommand(dir, sha, request.depth(), pins), progress, download);
        if (fetch.overLimit()) {
            throw limits.downloadTooLarge();
        }
        if (!fetch.ok()) {
            if (GitErrors.isAuthOrMissingRepo(fetch.stderr())) {
                throw runner.failure(fetch);
            }
            // the server refused a want by sha (old protocol, no allow*SHA1InWant): fetch every branch
            List<String> everyBranch = git.command(
                    dir, pins, "fetch", "--progress", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*");
            runner.runOk(everyBranch, progress, download);
        }
        if (!runner.run(git.command(dir, "cat-file", "-e", sha + "^{commit}"), GitProgress.NONE)
                .ok()) {
            throw GitErrors.commitNotFound(sha);
        }
    }

    private void requireBranch() throws TaskFailedException, InterruptedException {
        String ref = "refs/heads/" + request.branch();
        GitProcess.Result heads = runner.runOk(git.command(dir, pins, "ls-remote", "--heads", "origin", ref), progress);
        if (heads.stdout().lines().noneMatch(line -> line.endsWith("\t" + ref))) {
            throw GitErrors.branchNotFound(request.branch());
        }
    }
}
