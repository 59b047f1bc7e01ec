package dev.repoworker.worker.repo;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.Timed;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code acquire-user-repo}: clones {@code data.repoUrl} at {@code branch} (default main) with
 * {@code depth} (default 1, 0 = full history), optionally pinned to {@code commit} ({@code "latest"}, the
 * original API's default, = the branch head), authenticated by
 * {@code gitToken} or else the Worker's {@code GITHUB_TOKEN}, into {@code <workspace>/repo}.
 */
public final class AcquireRepoTask implements Task<CloneRequest> {

    public static final String DEFAULT_BRANCH = "main";
    public static final int DEFAULT_DEPTH = 1;
    public static final int MAX_DEPTH = 1_000_000;
    static final String DIRECTORY = "repo";
    private static final Logger LOG = LoggerFactory.getLogger(AcquireRepoTask.class);

    private final Git git;
    private final RepoUrlPolicy policy;
    private final Optional<String> defaultToken;

    public AcquireRepoTask(Git git, RepoUrlPolicy policy, Optional<String> defaultToken) {
        this.git = Objects.requireNonNull(git, "git");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.defaultToken = defaultToken == null ? Optional.empty() : defaultToken.filter(t -> !t.isBlank());
    }

    @Override
    public TaskType type() {
        return TaskType.ACQUIRE_USER_REPO;
    }

    @Override
    public Timed<AcquiredRepo.Shown> run(TaskContext context, CloneRequest request) throws Exception {
        return acquire(context, request).result();
    }

    /** Clones into {@code <workspace>/repo}; for pipelines that go on working on the files. */
    public AcquiredRepo acquire(TaskContext context, CloneRequest request)
            throws TaskFailedException, InterruptedException {
        return acquire(context, request, context.workspace().resolve(DIRECTORY));
    }

    /** Clones into {@code directory} (must not exist or be empty). */
    public AcquiredRepo acquire(TaskContext context, CloneRequest request, Path directory)
            throws TaskFailedException, InterruptedException {
        String shownUrl = RepoUrlPolicy.displayUrl(request.url());
        long started = System.nanoTime();
        LOG.info(
                "job {}: cloning {} branch {} depth {}{} with {} git{}",
                context.jobId(),
                shownUrl,
                request.branch(),
                request.depth(),
                request.commit().map(c -> " commit " + c).orElse(""),
                git.name(),
                request.token().isPresent() ? " (authenticated)" : "");
        context.progress("acquire", 0, 0, "cloning " + shownUrl);
        Git.Cloned cloned = git.cloneRepo(request, directory, new ThrottledProgress(context));
        context.checkCancelled();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        context.progress("acquire", cloned.files(), cloned.files(), "cloned " + cloned.files() + " files");
        LOG.info(
                "job {}: cloned {} at {}: {} files, {} bytes in {} ms",
                context.jobId(),
                shownUrl,
                cloned.commit(),
                cloned.files(),
                cloned.bytes(),
                durationMs);
        return new AcquiredRepo(
                directory, shownUrl, cloned.branch(), cloned.commit(), cloned.files(), cloned.bytes(), durationMs);
    }

    /** The validated clone request for {@code data}; every problem names its field. */
    @Override
    public CloneRequest parse(TaskData data) throws InvalidTaskDataException {
        String url = data.requiredString("repoUrl");
        Optional<String> urlProblem = policy.problem(url);
        if (urlProblem.isPresent()) {
            throw new InvalidTaskDataException("repoUrl", urlProblem.get());
        }
        String branch = data.optionalString("branch").orElse(DEFAULT_BRANCH);
        Optional<String> branchProblem = BranchNames.problem(branch);
        if (branchProblem.isPresent()) {
            throw new InvalidTaskDataException("branch", branchProblem.get());
        }
        int depth = data.optionalInt("depth", DEFAULT_DEPTH, 0, MAX_DEPTH);
        Optional<String> commitText = data.optionalString("commit").filter(c -> !CommitIds.isLatest(c));
        Optional<String> commit = commitText.flatMap(CommitIds::normalize);
        if (commitText.isPresent() && commit.isEmpty()) {
            throw new InvalidTaskDataException(
                    "commit", "must be a full commit id (40 or 64 hex digits) or \"latest\"");
        }
        Optional<String> token = data.optionalString("gitToken").or(() -> defaultToken);
        return new CloneRequest(url, branch, depth, commit, token);
    }

    /** Forwards Git's progress at most every 500 ms per phase, plus every phase change. */
    private static final class ThrottledProgress implements GitProgress {
        private static final long INTERVAL_NANOS = 500_000_000L;
        private final TaskContext context;
        private String lastPhase = "";
        private long lastSent;

        ThrottledProgress(TaskContext context) {
            this.context = context;
        }

        @Override
        public synchronized void update(String phase, long done, long total) {
            long now = System.nanoTime();
            boolean finished = total > 0 && done >= total;
            if (!phase.equals(lastPhase) || finished || now - lastSent >= INTERVAL_NANOS) {
                lastPhase = phase;
                lastSent = now;
                context.progress("acquire", done, total, phase);
            }
        }
    }
}
