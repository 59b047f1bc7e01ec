package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link Git} through the {@code git} executable: argument arrays only, a clean environment, no
 * credential helpers or prompts, and the token only in the environment as an
 * {@code http.extraHeader} (never in the URL or the arguments, which other processes can read).
 * Redirects are never followed ({@code http.followRedirects=false}), and the host's addresses checked
 * just before are pinned with {@code http.curloptResolve} (git 2.37 or later; older versions ignore it and
 * resolve the name again), so DNS cannot point git elsewhere between the check and the connection.
 *
 * <p>The download runs without checkout under a {@link DiskWatch} ({@link RepoLimits#maxBytes()});
 * then {@code git ls-tree -r -l -z} counts the files and sums their sizes, and only a tree within
 * the limits is checked out. Submodules are never fetched. The pieces: {@link GitCommandLine} (the
 * arguments), {@link GitEnvironment}, {@link CliGitRunner} (running git, its errors), {@link CliClone}
 * (the steps) and {@link LsTree} (the count).
 */
public final class CliGit implements Git {

    private final GitCommandLine commandLine;
    private final RepoLimits limits;
    private final ConnectionCheck connectionCheck;

    /** With the default {@link RepoLimits} and no connection check: for URLs the Worker made itself, and tests. */
    public CliGit(boolean allowFileProtocol) {
        this("git", allowFileProtocol, RepoLimits.DEFAULTS, ConnectionCheck.NONE);
    }

    public CliGit(boolean allowFileProtocol, RepoLimits limits) {
        this("git", allowFileProtocol, limits, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol) {
        this(executable, allowFileProtocol, RepoLimits.DEFAULTS, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol, RepoLimits limits) {
        this(executable, allowFileProtocol, limits, ConnectionCheck.NONE);
    }

    public CliGit(String executable, boolean allowFileProtocol, ConnectionCheck connectionCheck) {
        this(executable, allowFileProtocol, RepoLimits.DEFAULTS, connectionCheck);
    }

    public CliGit(String executable, boolean allowFileProtocol, RepoLimits limits, ConnectionCheck connectionCheck) {
        this.commandLine = new GitCommandLine(executable, allowFileProtocol);
        this.limits = limits;
        this.connectionCheck = connectionCheck;
    }

    @Override
    public String name() {
        return "cli";
    }

    @Override
    public Cloned cloneRepo(CloneRequest request, Path directory, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            List<String> pins = GitCommandLine.pins(request.url(), connectionCheck.addressesFor(request.url()));
            return new CliClone(commandLine, limits, request, dir, pins, progress).run();
        } catch (RepoTooLargeException e) {
            WorkingTree.deleteIfPresent(dir);
            throw e;
        }
    }

    /** The arguments this Git runs (tests check what they expose). */
    GitCommandLine commandLine() {
        return commandLine;
    }
}
