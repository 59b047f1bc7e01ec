package dev.repoworker.worker.assets;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.AcquiredRepo;
import dev.repoworker.worker.repo.CloneRequest;
import dev.repoworker.worker.repo.RepoSource;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
public final class BuildAssetsTask implements Task<BuildAssetsTask.Request> {

    private static final Logger LOG = LoggerFactory.getLogger(BuildAssetsTask.class);

    private final AcquireRepoTask acquire;
    private final ArtifactStore store;
    private final boolean allowLocalPaths;
    private final Optional<Path> mediaCache;
    private final BuildOptions.Limits limits;
    private final AssetBuilder builder = new AssetBuilder();

    public BuildAssetsTask(
            AcquireRepoTask acquire,
            ArtifactStore store,
            boolean allowLocalPaths,
            Optional<Path> mediaCache,
            BuildOptions.Limits limits) {
        this.acquire = Objects.requireNonNull(acquire, "acquire");
        this.store = Objects.requireNonNull(store, "store");
        this.allowLocalPaths = allowLocalPaths;
        this.mediaCache = mediaCache == null ? Optional.empty() : mediaCache;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public TaskType type() {
        return TaskType.BUILD_ASSETS;
    }

    /**
     * What to build: a local folder ({@code repoPath}) or a repository to clone ({@code repoUrl}, read like
     * acquire-user-repo reads it), and the build options with this worker's limits and media cache.
     */
    public record Request(Optional<Path> repoPath, Optional<CloneRequest> cloneOf, BuildOptions options) {}

    @Override
    public Request parse(TaskData data) throws InvalidTaskDataException {
        Optional<String> repoPath = data.optionalString("repoPath");
        Optional<Path> folder = Optional.empty();
        Optional<CloneRequest> clone = Optional.empty();
        if (repoPath.isPresent()) {
            if (!allowLocalPaths) {
                throw new InvalidTaskDataException(
                        "repoPath",
                        "is not allowed on this worker (local folders need ALLOW_FILE_REPOS=true); use repoUrl");
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
            folder = Optional.of(path);
        } else {
            clone = Optional.of(acquire.parse(data));
        }
        return new Request(folder, clone, options(data));
    }

    @Override
    public Built run(TaskContext context, Request request) throws Exception {
        Source source = source(context, request);
        context.checkCancelled();
        return buildIntoStore(context, source.directory(), request.options(), true, source.repository());
    }

    /** Where the notes are: a local folder or a clone in the workspace; {@code git} when it is a clone. */
    public record Source(Path directory, boolean git, RepoSource repository) {}

    /** For pipelines: the repository as this task finds it, {@code data.repoPath} or a clone of {@code data.repoUrl}. */
    public Source source(TaskContext context, Request request) throws TaskFailedException, InterruptedException {
        if (request.repoPath().isPresent()) {
            return new Source(request.repoPath().get(), false, RepoSource.local());
        }
        AcquiredRepo acquired = acquire.acquire(context, request.cloneOf().orElseThrow());
        return new Source(acquired.directory(), true, RepoSource.of("git", acquired));
    }

    /** The build options of {@code data} with this worker's limits and media cache. */
    public BuildOptions options(TaskData data) throws InvalidTaskDataException {
        BuildOptions options = BuildOptions.fromData(data).withLimits(limits);
        return mediaCache.map(options::withMediaCacheDir).orElse(options);
    }

    /**
     * For pipelines: builds {@code repoRoot} (already acquired) into the job's folder of the artifact store without
     * publishing it (the pipeline publishes once, after its last step). On failure the partial artifacts are removed.
     */
    public Built buildIntoStore(TaskContext context, Path repoRoot, BuildOptions options, RepoSource repository)
            throws TaskFailedException, InterruptedException {
        return buildIntoStore(context, repoRoot, options, false, repository);
    }

    /** As {@link #buildIntoStore(TaskContext, Path, BuildOptions, RepoSource)}; with {@code publish}, also the manifest. */
    private Built buildIntoStore(
            TaskContext context, Path repoRoot, BuildOptions options, boolean publish, RepoSource repository)
            throws TaskFailedException, InterruptedException {
        return store.write(context.jobId(), "build-assets", "could not read the notes or write the artifacts", out -> {
            BuildReport report = build(repoRoot, options, out, context.progressListener());
            context.checkCancelled();
            StoredArtifacts manifest = publish ? store.publish(context.jobId(), out) : null;
            LOG.info(
                    "job {}: built {} posts, {} media, {} variants, {} issues",
                    context.jobId(),
                    report.posts(),
                    report.media(),
                    report.variants(),
                    report.issues());
            return new Built(report, manifest, repository);
        });
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
