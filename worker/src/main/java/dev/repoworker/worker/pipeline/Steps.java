package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.assets.BuildAssetsTask;
import dev.repoworker.worker.deploy.Deployments;
import dev.repoworker.worker.embeddings.ComputeEmbeddingsTask;
import dev.repoworker.worker.enrich.EnrichDataTask;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.AcquiredRepo;
import dev.repoworker.worker.repo.NewRepoFromTemplateTask;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The steps pipelines are made of, each a thin adapter over the task that does the work. */
public final class Steps {

    private Steps() {
    }

    /** {@code acquire}: clones {@code data.repoUrl} like acquire-user-repo; the clone is the pipeline's repository. */
    public static PipelineStep acquire(AcquireRepoTask task) {
        return step("acquire", task::validate, (context, state) -> {
            AcquiredRepo acquired = task.acquire(context);
            state.repo(acquired.directory(), true, Map.of("source", "git", "repoUrl", acquired.repoUrl(),
                    "branch", acquired.branch(), "commit", acquired.commit()));
            return acquired.summary();
        });
    }

    /** {@code template}: creates a repository from {@code data.templateRepoUrl} and clones it. */
    public static PipelineStep template(NewRepoFromTemplateTask task) {
        return step("template", task::validate, (context, state) -> {
            NewRepoFromTemplateTask.Created created = task.createAndClone(context);
            AcquiredRepo acquired = created.acquired();
            state.repo(acquired.directory(), true, Map.of("source", "template", "repoUrl", acquired.repoUrl(),
                    "branch", acquired.branch(), "commit", acquired.commit()));
            return created.summary();
        });
    }

    /**
     * {@code build-assets} into the job's own artifacts folder. With {@code ownSource} (process-all) the repository
     * comes from {@code data.repoUrl}/{@code data.repoPath} as build-assets gets it; otherwise from the step before.
     */
    public static PipelineStep buildAssets(BuildAssetsTask task, Function<String, Path> jobArtifacts, boolean ownSource) {
        return step("build-assets", data -> {
            if (ownSource) {
                task.validate(data);
            } else {
                task.options(data);
            }
        }, (context, state) -> {
            if (state.repoDirectory().isEmpty()) {
                BuildAssetsTask.Source source = task.source(context);
                state.repo(source.directory(), source.git(), source.repository());
            }
            context.checkCancelled();
            Map<String, Object> summary = task.buildIntoStore(context, state.repoDirectory().orElseThrow(),
                    task.options(context.data()));
            state.artifacts(jobArtifacts.apply(context.jobId()));
            summary.put("repository", state.repository());
            return summary;
        });
    }

    /** {@code compute-embeddings} over the posts build-assets just wrote, output beside them. */
    public static PipelineStep computeEmbeddings(ComputeEmbeddingsTask task) {
        return step("compute-embeddings", data -> { }, (context, state) -> {
            requireArtifacts(state);
            Map<String, Object> summary = new LinkedHashMap<>(task.computeInPlace(context));
            summary.remove("artifactsOf");
            state.embeddings(true);
            return summary;
        });
    }

    /** {@code enrich-data} in place on the job's artifacts, with the clone's history when it has one. */
    public static PipelineStep enrichData(EnrichDataTask task) {
        return step("enrich-data", EnrichDataTask::validateOptions, (context, state) -> {
            Path artifacts = requireArtifacts(state);
            Optional<Path> git = state.gitRepository() ? state.repoDirectory() : Optional.empty();
            return task.enrichInPlace(context, artifacts, git);
        });
    }

    /**
     * {@code publish} at the end of process-with-repo: with {@code data.publish = true}, publishes the artifacts to the
     * project's deploys on the deploy store and moves its {@code active} pointer forward ({@code data.projectId}, ordered by
     * {@code data.deployRequestedAt}).
     */
    public static PipelineStep publish(Deployments deployments) {
        return publish(deployments, false);
    }

    /** {@code publish} at the end of deploy-repo: as {@link #publish(Deployments)}, on every job. */
    public static PipelineStep deploy(Deployments deployments) {
        return publish(deployments, true);
    }

    private static PipelineStep publish(Deployments deployments, boolean always) {
        return new PipelineStep() {
            @Override
            public String name() {
                return "publish";
            }

            @Override
            public boolean appliesTo(TaskData data) {
                try {
                    return always || data.optionalBoolean("publish", false);
                } catch (InvalidTaskDataException e) {
                    return true;
                }
            }

            @Override
            public void validate(TaskData data) throws InvalidTaskDataException {
                if (!always && !data.optionalBoolean("publish", false)) {
                    return;
                }
                String projectId = data.requiredString("projectId");
                if (!Deployments.validProjectId(projectId)) {
                    throw new InvalidTaskDataException("projectId", "must be 1 to 128 characters of A-Z a-z 0-9 . _ -");
                }
                requestedAt(data);
            }

            @Override
            public Map<String, Object> run(TaskContext context, PipelineState state) throws Exception {
                return deployments.publish(context.data().requiredString("projectId"), context.jobId(), requireArtifacts(state),
                        requestedAt(context.data()), pages(state)).summary();
            }
        };
    }

    private static java.time.Instant requestedAt(TaskData data) throws InvalidTaskDataException {
        Optional<String> text = data.optionalString("deployRequestedAt");
        if (text.isEmpty()) {
            return java.time.Instant.now();
        }
        try {
            return java.time.Instant.parse(text.get());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidTaskDataException("deployRequestedAt", "must be an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
    }

    /** The posts build-assets reported (0 when it reported none). */
    private static int pages(PipelineState state) {
        Map<String, Object> build = state.steps().getOrDefault("build-assets", Map.of());
        return build.get("posts") instanceof Number posts ? posts.intValue() : 0;
    }

    private static Path requireArtifacts(PipelineState state) throws TaskFailedException {
        return state.artifacts().orElseThrow(() -> new TaskFailedException("no artifacts: build-assets must run first"));
    }

    @FunctionalInterface
    public interface Validator {
        void validate(TaskData data) throws InvalidTaskDataException;
    }

    @FunctionalInterface
    public interface Body {
        Map<String, Object> run(TaskContext context, PipelineState state) throws Exception;
    }

    /** A step from its name, its data check and its body. */
    public static PipelineStep step(String name, Validator validator, Body body) {
        return new PipelineStep() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(TaskData data) throws InvalidTaskDataException {
                validator.validate(data);
            }

            @Override
            public Map<String, Object> run(TaskContext context, PipelineState state) throws Exception {
                return body.run(context, state);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
