package dev.repoworker.worker.repo;

import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.Timed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code new-repo-from-template}: creates {@code newRepoName} from {@code templateRepoUrl} on the
 * configured {@link RepoHost}, then clones the new repository into the workspace.
 */
public final class NewRepoFromTemplateTask implements Task<RepoHost.TemplateRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(NewRepoFromTemplateTask.class);
    private static final Pattern REPO_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    /** GitHub fills a generated repository asynchronously: its first clone may find nothing yet. */
    private static final int CLONE_TRIES = 6;

    private static final Backoff READY_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(8));

    private final RepoHost host;
    private final Git git;
    private final RepoUrlPolicy policy;
    private final Optional<String> defaultToken;

    public NewRepoFromTemplateTask(RepoHost host, Git git, RepoUrlPolicy policy, Optional<String> defaultToken) {
        this.host = host;
        this.git = git;
        this.policy = policy;
        this.defaultToken = defaultToken.filter(t -> !t.isBlank());
    }

    @Override
    public TaskType type() {
        return TaskType.NEW_REPO_FROM_TEMPLATE;
    }

    @Override
    public Timed<Created.Shown> run(TaskContext context, RepoHost.TemplateRequest request) throws Exception {
        Created created = createAndClone(context, request);
        return new Timed<>(created.shown(), created.acquired().durationMs());
    }

    /** What the task did, with the clone's local path for the steps of a pipeline that follow. */
    public record Created(RepoHost.NewRepo repo, AcquiredRepo acquired) {

        /** {@code {newRepo, commit, files}}: what a result shows. */
        public record Shown(RepoHost.NewRepo.Shown newRepo, String commit, long files) {}

        public Shown shown() {
            return new Shown(repo.shown(), acquired.commit(), acquired.files());
        }
    }

    public Created createAndClone(TaskContext context, RepoHost.TemplateRequest request)
            throws TaskFailedException, InterruptedException {
        LOG.info(
                "job {}: creating {} from {} on {}",
                context.jobId(),
                request.newRepoName(),
                RepoUrlPolicy.displayUrl(request.templateRepoUrl()),
                host.name());
        long started = System.nanoTime();
        RepoHost.NewRepo repo = host.create(request, context);
        context.checkCancelled();
        if (!host.name().equals("local")) {
            Optional<String> problem = policy.problem(repo.cloneUrl());
            if (problem.isPresent()) {
                throw new TaskFailedException("the new repository's clone URL is not allowed: " + problem.get());
            }
        }
        Path directory = context.workspace().resolve("repo");
        CloneRequest clone =
                new CloneRequest(repo.cloneUrl(), repo.defaultBranch(), 1, Optional.empty(), request.token());
        Git.Cloned cloned = cloneWhenReady(clone, directory, context);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        context.progress("template", 3, 3, "cloned " + repo.fullName());
        return new Created(
                repo,
                new AcquiredRepo(
                        directory,
                        RepoUrlPolicy.displayUrl(repo.cloneUrl()),
                        cloned.branch(),
                        cloned.commit(),
                        cloned.files(),
                        cloned.bytes(),
                        durationMs));
    }

    private Git.Cloned cloneWhenReady(CloneRequest clone, Path directory, TaskContext context)
            throws TaskFailedException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return git.cloneRepo(clone, directory, GitProgress.NONE);
            } catch (TaskFailedException e) {
                boolean notYet = e.getMessage().equals("repository not found")
                        || e.getMessage().startsWith("branch ");
                if (!notYet || attempt == CLONE_TRIES) {
                    throw e;
                }
                context.progress("template", 2, 3, "waiting for the new repository to be ready");
                WorkingTree.deleteIfPresent(directory);
                Thread.sleep(READY_BACKOFF.delay(attempt - 1).toMillis());
            }
        }
    }

    @Override
    public RepoHost.TemplateRequest parse(TaskData data) throws InvalidTaskDataException {
        String template = data.requiredString("templateRepoUrl");
        Optional<String> urlProblem = policy.problem(template);
        if (urlProblem.isPresent()) {
            throw new InvalidTaskDataException("templateRepoUrl", urlProblem.get());
        }
        String branch = data.optionalString("templateBranch").orElse(AcquireRepoTask.DEFAULT_BRANCH);
        Optional<String> branchProblem = BranchNames.problem(branch);
        if (branchProblem.isPresent()) {
            throw new InvalidTaskDataException("templateBranch", branchProblem.get());
        }
        String name = data.requiredString("newRepoName");
        if (!REPO_NAME.matcher(name).matches() || name.endsWith(".git") || name.contains("..")) {
            throw new InvalidTaskDataException(
                    "newRepoName",
                    "must be 1 to 100 letters, digits, '.', '_' or '-', not start with '.' or '-', and not end in .git");
        }
        Optional<String> description = data.optionalString("newRepoDescription");
        if (description.isPresent() && description.get().length() > 350) {
            throw new InvalidTaskDataException("newRepoDescription", "must be at most 350 characters");
        }
        RepoHost.TemplateRequest request = new RepoHost.TemplateRequest(
                template,
                branch,
                name,
                description,
                data.optionalBoolean("isPrivate", false),
                data.optionalString("gitToken").or(() -> defaultToken));
        host.check(request);
        return request;
    }
}
