package dev.repoworker.worker.assets;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.artifacts.PublishFailedException;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.AcquiredRepo;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code build-assets}: Markdown/Obsidian notes → posts, optimised media, graph and issues, written to the
 * artifact store under {@code {jobId}/} with a manifest. The repository is {@code data.repoUrl} (cloned like
 * {@code acquire-user-repo}: branch, gitToken, commit, depth) or {@code data.repoPath}, a local folder (only when
 * {@code ALLOW_FILE_REPOS=true}). Options: {@link BuildOptions#fromData}.
 */
public final class BuildAssetsTask implements Task {

    private static final Logger LOG = LoggerFactory.getLogger(BuildAssetsTask.class);

    private final AcquireRepoTask acquire;
    private final ArtifactStore store;
    private final boolean allowLocalPaths;
    private final Optional<Path> mediaCache;
    private final BuildOptions.Limits limits;
    private final AssetBuilder builder = new AssetBuilder();

    public BuildAssetsTask(AcquireRepoTask acquire, ArtifactStore store, boolean allowLocalPaths, Optional<Path> mediaCache,
                           BuildOptions.Limits limits) {
        this.acquire = Objects.requireNonNull(acquire, "acquire");
        this.store = Objects.requireNonNull(store, "store");
        this.allowLocalPaths = allowLocalPaths;
        this.mediaCache = mediaCache == null ? Optional.empty() : mediaCache;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Artifacts in {@code store}; media cache in {@code CACHE_DIR/media-cache}; local paths with
     * ALLOW_FILE_REPOS; media files up to {@code MAX_MEDIA_BYTES}.
     */
    public static BuildAssetsTask fromConfig(WorkerConfig config, AcquireRepoTask acquire) {
        return fromConfig(config, acquire, new LocalArtifactStore(config.artifactsDir()));
    }

    public static BuildAssetsTask fromConfig(WorkerConfig config, AcquireRepoTask acquire, ArtifactStore store) {
        return new BuildAssetsTask(acquire, store, config.allowFileRepos(),
                Optional.of(config.cacheDir().resolve("media-cache")),
                BuildOptions.Limits.defaults().withMaxMediaBytes(config.maxMediaBytes()));
    }

    @Override
    public TaskType type() {
        return TaskType.BUILD_ASSETS;
    }

    @Override
    public void validate(TaskData data) throws InvalidTaskDataException {
        Optional<String> repoPath = data.optionalString("repoPath");
        if (repoPath.isPresent()) {
            if (!allowLocalPaths) {
                throw new InvalidTaskDataException("repoPath", "is not allowed on this worker (local folders need ALLOW_FILE_REPOS=true); use repoUrl");
            }
            if (data.values().get("repoUrl") != null) {
                throw new InvalidTaskDataException("repoPath", "cannot be combined with repoUrl; give one of them");
            }
            Path path;
            try {
                path = Path.of(repoPath.get());
            } catch (InvalidPathException e) {
                throw new InvalidTaskDataException("repoPath", "is not a valid path");
            }
            if (!path.isAbsolute() || !Files.isDirectory(path)) {
                throw new InvalidTaskDataException("repoPath", "must be the absolute path of an existing folder");
            }
        } else {
            acquire.validate(data);
        }
        BuildOptions.fromData(data);
    }

    @Override
    public TaskResult run(TaskContext context) throws Exception {
        BuildOptions options = options(context.data());
        Source source = source(context);
        context.checkCancelled();
        Map<String, Object> summary = buildIntoStore(context, source.directory(), options, true);
        summary.put("repository", source.repository());
        return new TaskResult(summary);
    }

    /** Where the notes are: a local folder or a clone in the workspace; {@code git} when it is a clone. */
    public record Source(Path directory, boolean git, Map<String, Object> repository) {
    }

    /** For pipelines: the repository as this task finds it, {@code data.repoPath} or a clone of {@code data.repoUrl}. */
    public Source source(TaskContext context) throws TaskFailedException, InterruptedException, InvalidTaskDataException {
        Map<String, Object> repository = new LinkedHashMap<>();
        Optional<String> repoPath = context.data().optionalString("repoPath");
        if (repoPath.isPresent()) {
            repository.put("source", "local");
            return new Source(Path.of(repoPath.get()), false, repository);
        }
        AcquiredRepo acquired = acquire.acquire(context);
        repository.put("source", "git");
        repository.put("repoUrl", acquired.repoUrl());
        repository.put("branch", acquired.branch());
        repository.put("commit", acquired.commit());
        return new Source(acquired.directory(), true, repository);
    }

    /** The build options of {@code data} with this worker's limits and media cache. */
    public BuildOptions options(TaskData data) throws InvalidTaskDataException {
        BuildOptions options = BuildOptions.fromData(data).withLimits(limits);
        return mediaCache.map(options::withMediaCacheDir).orElse(options);
    }

    /**
     * For pipelines: builds {@code repoRoot} (already acquired) into the job's folder of the artifact store without
     * publishing it (the pipeline publishes once, after its last step) and returns the summary (counts, issues by
     * kind, bytes, durations). On failure the partial artifacts are removed.
     */
    public Map<String, Object> buildIntoStore(TaskContext context, Path repoRoot, BuildOptions options)
            throws TaskFailedException, InterruptedException {
        return buildIntoStore(context, repoRoot, options, false);
    }

    /** As {@link #buildIntoStore(TaskContext, Path, BuildOptions)}; with {@code publish}, also the manifest location. */
    private Map<String, Object> buildIntoStore(TaskContext context, Path repoRoot, BuildOptions options, boolean publish)
            throws TaskFailedException, InterruptedException {
        Path out = null;
        try {
            out = store.open(context.jobId());
            BuildReport report = build(repoRoot, options, out, context.progressListener());
            context.checkCancelled();
            Map<String, Object> summary = new LinkedHashMap<>(report.summary());
            if (publish) {
                summary.put("manifest", store.publish(context.jobId(), out).summary());
            }
            LOG.info("job {}: built {} posts, {} media, {} variants, {} issues", context.jobId(), report.posts(),
                    report.media(), report.variants(), report.issues());
            return summary;
        } catch (PublishFailedException e) {
            store.discard(context.jobId());
            throw new TaskFailedException("build-assets failed: " + e.getMessage());
        } catch (IOException e) {
            store.discard(context.jobId());
            LOG.warn("job {}: build failed", context.jobId(), e);
            throw new TaskFailedException("build-assets failed: could not read the notes or write the artifacts ("
                    + e.getClass().getSimpleName() + ")");
        } catch (TaskFailedException | InterruptedException | RuntimeException | Error e) {
            if (out != null) {
                store.discard(context.jobId());
            }
            throw e;
        }
    }

    /**
     * Builds from a directory already on disk (an acquired repository or a local folder) into {@code outDir};
     * for pipelines and the local {@code repo-worker process} command. See {@link AssetBuilder#build}.
     */
    public BuildReport build(Path repoRoot, BuildOptions options, Path outDir, ProgressListener progress)
            throws TaskFailedException, IOException, InterruptedException {
        return builder.build(repoRoot, options, outDir, progress);
    }
}
