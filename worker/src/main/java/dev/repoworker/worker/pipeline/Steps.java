package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.assets.BuildAssetsTask;
import dev.repoworker.worker.assets.Built;
import dev.repoworker.worker.deploy.Deployments;
import dev.repoworker.worker.embeddings.ComputeEmbeddingsTask;
import dev.repoworker.worker.enrich.EnrichDataTask;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.AcquiredRepo;
import dev.repoworker.worker.repo.CloneRequest;
import dev.repoworker.worker.repo.NewRepoFromTemplateTask;
import dev.repoworker.worker.repo.RepoHost;
import dev.repoworker.worker.repo.RepoSource;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/** The steps pipelines are made of, each a thin adapter over the task that does the work. */
public final class Steps {

    private Steps() {}

    /** {@code acquire}: clones {@code data.repoUrl} like acquire-user-repo; the clone is the pipeline's repository. */
    public static PipelineStep<CloneRequest> acquire(AcquireRepoTask task) {
        return step("acquire", task::parse, (context, state, request) -> {
            AcquiredRepo acquired = task.acquire(context, request);
            state.repo(acquired.directory(), true, RepoSource.of("git", acquired));
            return acquired.shown();
        });
    }

    /** {@code template}: creates a repository from {@code data.templateRepoUrl} and clones it. */
    public static PipelineStep<RepoHost.TemplateRequest> template(NewRepoFromTemplateTask task) {
        return step("template", task::parse, (context, state, request) -> {
            NewRepoFromTemplateTask.Created created = task.createAndClone(context, request);
            AcquiredRepo acquired = created.acquired();
            state.repo(acquired.directory(), true, RepoSource.of("template", acquired));
            return created.shown();
        });
    }

    /**
     * {@code build-assets} into the job's own artifacts folder. With {@code ownSource} (process-all) the repository
     * comes from {@code data.repoUrl}/{@code data.repoPath} as build-assets gets it; otherwise from the step before.
     */
    public static PipelineStep<BuildAssetsTask.Request> buildAssets(
            BuildAssetsTask task, Function<String, Path> jobArtifacts, boolean ownSource) {
        Parser<BuildAssetsTask.Request> parser = ownSource
                ? task::parse
                : data -> new BuildAssetsTask.Request(Optional.empty(), Optional.empty(), task.options(data));
        return step("build-assets", parser, (context, state, request) -> {
            if (state.repoDirectory().isEmpty()) {
                BuildAssetsTask.Source source = task.source(context, request);
                state.repo(source.directory(), source.git(), source.repository());
            }
            context.checkCancelled();
            Built built = task.buildIntoStore(
                    context, state.repoDirectory().orElseThrow(), request.options(), state.repository());
            state.built(jobArtifacts.apply(context.jobId()), built.report().posts());
            return built;
        });
    }

    /** {@code compute-embeddings} over the posts build-assets just wrote, output beside them. */
    public static PipelineStep<String> computeEmbeddings(ComputeEmbeddingsTask task) {
        return step("compute-embeddings", ComputeEmbeddingsTask::keptIndex, (context, state, keptIndex) -> {
            requireArtifacts(state);
            return task.computeInPlace(context, keptIndex);
        });
    }

    /** {@code enrich-data} in place on the job's artifacts, with the clone's history when it has one. */
    public static PipelineStep<Integer> enrichData(EnrichDataTask task) {
        return step("enrich-data", EnrichDataTask::shortPostWords, (context, state, shortPostWords) -> {
            Path artifacts = requireArtifacts(state);
            Optional<Path> git = state.gitRepository() ? state.repoDirectory() : Optional.empty();
            return task.enrichInPlace(context, artifacts, git, shortPostWords);
        });
    }

    /**
     * {@code publish} at the end of process-with-repo: with {@code data.publish = true}, publishes the artifacts to the
     * project's deploys on the deploy store and moves its {@code active} pointer forward ({@code data.projectId}, ordered by
     * {@code data.deployRequestedAt}).
     */
    public static PipelineStep<PublishRequest> publish(Deployments deployments) {
        return publish(deployments, false);
    }

    /** {@code publish} at the end of deploy-repo: as {@link #publish(Deployments)}, on every job. */
    public static PipelineStep<PublishRequest> deploy(Deployments deployments) {
        return publish(deployments, true);
    }

    /** The project to publish to, and when the deploy was asked for (the time the step runs when the data does not say). */
    public record PublishRequest(String projectId, Optional<Instant> requestedAt) {}

    private static PipelineStep<PublishRequest> publish(Deployments deployments, boolean always) {
        return new PipelineStep<>() {
            @Override
            public String name() {
                return "publish";
            }

            @Override
            public Optional<PublishRequest> parse(TaskData data) throws InvalidTaskDataException {
                if (!always && !data.optionalBoolean("publish", false)) {
                    return Optional.empty();
                }
                String projectId = data.requiredString("projectId");
                if (!Deployments.validProjectId(projectId)) {
                    throw new InvalidTaskDataException("projectId", "must be 1 to 128 characters of A-Z a-z 0-9 . _ -");
                }
                return Optional.of(new PublishRequest(projectId, requestedAt(data)));
            }

            @Override
            public Object run(TaskContext context, PipelineState state, PublishRequest request) throws Exception {
                return deployments.publish(
                        request.projectId(),
                        context.jobId(),
                        requireArtifacts(state),
                        request.requestedAt().orElseGet(Instant::now),
                        state.posts(),
                        state.published());
            }

            @Override
            public boolean readsPublishedArtifacts() {
                return true;
            }

            @Override
            public String toString() {
                return "publish";
            }
        };
    }

    private static Optional<Instant> requestedAt(TaskData data) throws InvalidTaskDataException {
        Optional<String> text = data.optionalString("deployRequestedAt");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.get()));
        } catch (DateTimeParseException e) {
            throw new InvalidTaskDataException(
                    "deployRequestedAt", "must be an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
    }

    private static Path requireArtifacts(PipelineState state) throws TaskFailedException {
        return state.artifacts()
                .orElseThrow(() -> new TaskFailedException("no artifacts: build-assets must run first"));
    }

    /** Reads a step's part of the job's data; every problem names its field. */
    @FunctionalInterface
    public interface Parser<R> {
        R parse(TaskData data) throws InvalidTaskDataException;
    }

    @FunctionalInterface
    public interface Body<R> {
        Object run(TaskContext context, PipelineState state, R request) throws Exception;
    }

    /** A step every job of its pipeline runs, from its name, its data parser and its body. */
    public static <R> PipelineStep<R> step(String name, Parser<R> parser, Body<R> body) {
        return new PipelineStep<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<R> parse(TaskData data) throws InvalidTaskDataException {
                return Optional.of(parser.parse(data));
            }

            @Override
            public Object run(TaskContext context, PipelineState state, R request) throws Exception {
                return body.run(context, state, request);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
