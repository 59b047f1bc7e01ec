package dev.repoworker.worker.embeddings;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingReport;
import dev.repoworker.embeddings.PostsFile;
import dev.repoworker.protocol.JobIds;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.EarlierArtifacts;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.Timed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code compute-embeddings} on the artifacts of an earlier build: {@code data.artifactsOf} names
 * the job whose folder ({@code ARTIFACTS_DIR/<jobId>/}, or its {@code posts.json} fetched from the bucket when this
 * Worker did not build it: {@link EarlierArtifacts}) holds {@code posts.json}. The output goes
 * to <em>this</em> job's folder, {@code ARTIFACTS_DIR/<this jobId>/embeddings/} and
 * {@code related.json}, so a finished job's artifacts are never changed by a later one and two
 * embedding runs over one build cannot collide; the artifact store publishes it (to the bucket with
 * {@code ARTIFACT_STORE=s3}, where enrich-data's {@code embeddingsOf} and the API's search find it). Vectors come from the shared content cache first, and the
 * last index of the job's repository ({@code data.repoUrl} or {@code data.repoPath}; one shared slot for jobs
 * naming neither) is kept under {@code CACHE_DIR/embeddings-indexes} so that the next run updates it instead of
 * building the HNSW graph anew.
 */
public final class ComputeEmbeddingsTask implements Task<ComputeEmbeddingsTask.Request> {

    /** The build to embed ({@code artifactsOf}) and the name of the kept index to update (see {@link #keptIndex}). */
    public record Request(String artifactsOf, String keptIndex) {}

    /**
     * What a run did and where its output is (relative to the artifacts root); {@code artifactsOf} names the embedded
     * build and {@code manifest} the published artifacts, both absent inside a pipeline (the build is the pipeline's
     * own, and the pipeline publishes its folder once).
     */
    public record Embedded(
            @JsonUnwrapped EmbeddingReport report,
            String artifactsOf,
            String artifacts,
            String related,
            StoredArtifacts manifest) {

        Embedded published(StoredArtifacts stored) {
            return new Embedded(report, artifactsOf, artifacts, related, stored);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ComputeEmbeddingsTask.class);
    /** Under {@code CACHE_DIR}: the last index of each repository, kept for the next run to update. */
    public static final String KEPT_INDEXES = "embeddings-indexes";

    private final Path artifactsDir;
    private final EarlierArtifacts earlier;
    private final ArtifactStore store;
    private final ComputeEmbeddings compute;

    public ComputeEmbeddingsTask(
            Path artifactsDir, EarlierArtifacts earlier, ArtifactStore store, ComputeEmbeddings compute) {
        this.artifactsDir = artifactsDir;
        this.earlier = earlier;
        this.store = store;
        this.compute = compute;
    }

    @Override
    public TaskType type() {
        return TaskType.COMPUTE_EMBEDDINGS;
    }

    @Override
    public Request parse(TaskData data) throws InvalidTaskDataException {
        String jobId = data.requiredString("artifactsOf");
        if (!JobIds.isValid(jobId)) {
            throw new InvalidTaskDataException("artifactsOf", "must be a job id: it " + JobIds.RULE);
        }
        return new Request(jobId, keptIndex(data));
    }

    @Override
    public Timed<Embedded> run(TaskContext context, Request request) throws Exception {
        String sourceJob = request.artifactsOf();
        EarlierArtifacts.Lookup build = earlier.find(sourceJob, List.of(PostsFile.NAME), context.workspace());
        if (!(build instanceof EarlierArtifacts.Lookup.Found(Path buildDir))) {
            throw new TaskFailedException(EarlierArtifacts.failure(build, sourceJob, "artifactsOf"));
        }
        if (!Files.isRegularFile(buildDir.resolve(PostsFile.NAME))) {
            throw new TaskFailedException("the artifacts of job " + sourceJob + " hold no " + PostsFile.NAME);
        }
        Embedded embedded = computeAndPublish(context, sourceJob, buildDir, request.keptIndex());
        return new Timed<>(embedded, embedded.report().durationMs());
    }

    /** Into the store's folder for this job, published when complete; whatever a failed or interrupted run left is discarded. */
    private Embedded computeAndPublish(TaskContext context, String sourceJob, Path buildDir, String keptIndex)
            throws TaskFailedException, InterruptedException {
        String jobId = context.jobId();
        return store.write(
                jobId,
                "compute-embeddings",
                "could not write or publish the results",
                out -> compute(context, sourceJob, buildDir, out, keptIndex, true)
                        .published(store.publish(jobId, out)));
    }

    /**
     * For pipelines: embeds the posts this job's build wrote into its own folder
     * ({@code ARTIFACTS_DIR/<jobId>/}), writing {@code embeddings/} and {@code related.json} beside them.
     */
    public Embedded computeInPlace(TaskContext context, String keptIndex)
            throws TaskFailedException, InterruptedException {
        Path jobArtifacts = artifactsDir.resolve(outName(context));
        return compute(context, context.jobId(), jobArtifacts, jobArtifacts, keptIndex, false);
    }

    private static String outName(TaskContext context) throws TaskFailedException {
        String outName = context.jobId().replaceAll("[^A-Za-z0-9._:-]", "_");
        if (outName.equals(".") || outName.contains("..")) {
            throw new TaskFailedException("job id " + context.jobId() + " cannot name an artifacts folder");
        }
        return outName;
    }

    private Embedded compute(
            TaskContext context, String sourceJob, Path buildDir, Path outDir, String keptIndex, boolean showSource)
            throws TaskFailedException, InterruptedException {
        String outName = outName(context);
        EmbeddingReport report;
        try {
            report = compute.computeEmbeddings(buildDir, outDir, keptIndex, context.progressListener()::report);
        } catch (NoSuchFileException e) {
            throw new TaskFailedException("the artifacts of job " + sourceJob + " hold no " + PostsFile.NAME);
        } catch (IOException e) {
            LOG.warn("compute-embeddings of {} failed", sourceJob, e);
            throw new TaskFailedException(
                    "computing embeddings of job " + sourceJob + " failed: " + safeMessage(e, outDir), e);
        }
        return new Embedded(
                report,
                showSource ? sourceJob : null,
                outName + "/" + ComputeEmbeddings.OUTPUT_DIR,
                outName + "/related.json",
                null);
    }

    /** What names the kept index to update: the repository when the job names one (any other value is ignored here). */
    public static String keptIndex(TaskData data) {
        for (String field : List.of("repoUrl", "repoPath")) {
            if (data.values().get(field) instanceof String text && !text.isBlank()) {
                return field + ":" + text.strip();
            }
        }
        return "";
    }

    /** The message without the worker's local paths (results and errors never carry them). */
    private String safeMessage(IOException e, Path outDir) {
        String message = String.valueOf(e.getMessage());
        return message.replace(outDir.toString(), "<artifacts>").replace(artifactsDir.toString(), "<artifacts>");
    }
}
