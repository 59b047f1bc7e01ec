package dev.repoworker.worker.enrich;

import dev.repoworker.embeddings.PostsFile;
import dev.repoworker.embeddings.Related;
import dev.repoworker.protocol.JobIds;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.EarlierArtifacts;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code enrich-data}: {@code data.artifactsOf} names the build-assets job whose folder holds {@code posts.json}
 * (fetched from the bucket when this Worker did not build it: {@link EarlierArtifacts});
 * {@code data.embeddingsOf} (optional, defaults to artifactsOf) the compute-embeddings job whose
 * {@code related.json} gives related posts (also fetched from the bucket, through {@link EarlierArtifacts});
 * {@code data.shortPostWords} (default 50) the health report's threshold. The output goes to this job's own folder ({@code ARTIFACTS_DIR/<jobId>/}), never into the
 * source job's. Inside a pipeline it works on the pipeline job's folder in place ({@link #enrichInPlace}).
 */
public final class EnrichDataTask implements Task<EnrichDataTask.Request> {

    /** The build to enrich, the job whose related.json to read, and the health report's short-post threshold. */
    public record Request(String artifactsOf, String embeddingsOf, int shortPostWords) {}

    private static final Logger LOG = LoggerFactory.getLogger(EnrichDataTask.class);

    private final EarlierArtifacts earlier;
    private final ArtifactStore store;
    private final EnrichData enrich = new EnrichData();

    public EnrichDataTask(EarlierArtifacts earlier, ArtifactStore store) {
        this.earlier = earlier;
        this.store = store;
    }

    @Override
    public TaskType type() {
        return TaskType.ENRICH_DATA;
    }

    @Override
    public Request parse(TaskData data) throws InvalidTaskDataException {
        String source = jobId(data, "artifactsOf", true).orElseThrow();
        String embeddings = jobId(data, "embeddingsOf", false).orElse(source);
        return new Request(source, embeddings, shortPostWords(data));
    }

    /** The option a pipeline's enrich-data step reads: the health report's short-post threshold. */
    public static int shortPostWords(TaskData data) throws InvalidTaskDataException {
        return data.optionalInt("shortPostWords", EnrichData.DEFAULT_SHORT_POST_WORDS, 0, 100_000);
    }

    private static Optional<String> jobId(TaskData data, String field, boolean required)
            throws InvalidTaskDataException {
        Optional<String> id = required ? Optional.of(data.requiredString(field)) : data.optionalString(field);
        if (id.isPresent() && !JobIds.isValid(id.get())) {
            throw new InvalidTaskDataException(field, "must be a job id: it " + JobIds.RULE);
        }
        return id;
    }

    @Override
    public Enriched run(TaskContext context, Request request) throws Exception {
        String source = request.artifactsOf();
        String embeddings = request.embeddingsOf();
        boolean relatedBeside = embeddings.equals(source);
        List<String> reads = relatedBeside ? append(EnrichData.READS, Related.FILE) : EnrichData.READS;
        EarlierArtifacts.Lookup build = earlier.find(source, reads, context.workspace());
        if (!(build instanceof EarlierArtifacts.Lookup.Found(Path sourceDir))) {
            throw new TaskFailedException(EarlierArtifacts.failure(build, source, "artifactsOf"));
        }
        if (!Files.isRegularFile(sourceDir.resolve(PostsFile.NAME))) {
            throw new TaskFailedException(
                    "no posts.json in the artifacts of job " + source + " (data.artifactsOf): run build-assets first");
        }
        Optional<Path> related =
                relatedBeside ? Optional.of(sourceDir.resolve(Related.FILE)) : related(embeddings, context.workspace());
        return store.write(context.jobId(), "enrich-data", "could not read the artifacts or write the results", out -> {
            Map<String, Object> computed = enrich.enrich(
                    new EnrichData.Request(sourceDir, related, out, Optional.empty(), request.shortPostWords()),
                    context.progressListener());
            return new Enriched(computed, source, store.publish(context.jobId(), out));
        });
    }

    /** {@code related.json} of the compute-embeddings job {@code embeddingsOf}; none when that job published none. */
    private Optional<Path> related(String embeddingsOf, Path workspace) throws IOException, TaskFailedException {
        return switch (earlier.find(embeddingsOf, List.of(Related.FILE), workspace)) {
            case EarlierArtifacts.Lookup.Found(Path folder) -> Optional.of(folder.resolve(Related.FILE));
            case EarlierArtifacts.Lookup.Missing missing -> Optional.empty();
            case EarlierArtifacts.Lookup.Unpublished unpublished -> Optional.empty();
            case EarlierArtifacts.Lookup.Unreadable unreadable ->
                throw new TaskFailedException(EarlierArtifacts.failure(unreadable, embeddingsOf, "embeddingsOf"));
        };
    }

    private static List<String> append(List<String> list, String item) {
        List<String> all = new ArrayList<>(list);
        all.add(item);
        return all;
    }

    /**
     * For pipelines: enriches the job's own artifacts folder in place; {@code related} when compute-embeddings
     * wrote {@code related.json} there; {@code gitRepo} the clone to read history from.
     */
    public Enriched enrichInPlace(TaskContext context, Path jobArtifacts, Optional<Path> gitRepo, int shortPostWords)
            throws TaskFailedException, InterruptedException {
        try {
            return new Enriched(
                    enrich.enrich(
                            new EnrichData.Request(
                                    jobArtifacts,
                                    Optional.of(jobArtifacts.resolve("related.json")),
                                    jobArtifacts,
                                    gitRepo,
                                    shortPostWords),
                            context.progressListener()),
                    null,
                    null);
        } catch (IOException e) {
            LOG.warn("job {}: enrich-data failed", context.jobId(), e);
            throw new TaskFailedException("could not read the artifacts or write the results ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
