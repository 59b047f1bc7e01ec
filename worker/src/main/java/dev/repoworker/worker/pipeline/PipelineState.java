package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.repo.RepoSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the steps of one pipeline run hand to each other: the repository on disk (set by acquire,
 * template or build-assets) and where it came from, the job's artifacts folder once build-assets wrote it,
 * the number of posts it built, and where the artifacts were published once the pipeline published them. One instance per job; steps run one after the other on the job's thread.
 */
public final class PipelineState {

    private Path repoDirectory;
    private boolean gitRepository;
    private RepoSource repository;
    private Path artifacts;
    private int posts;
    private StoredArtifacts published;

    public Optional<Path> repoDirectory() {
        return Optional.ofNullable(repoDirectory);
    }

    /** Whether the repository is a Git clone (history may be read from it). */
    public boolean gitRepository() {
        return gitRepository;
    }

    public void repo(Path directory, boolean git, RepoSource source) {
        this.repoDirectory = directory;
        this.gitRepository = git;
        this.repository = source;
    }

    public RepoSource repository() {
        return repository;
    }

    public Optional<Path> artifacts() {
        return Optional.ofNullable(artifacts);
    }

    /** build-assets wrote {@code posts} posts into {@code directory}, the job's artifacts folder. */
    public void built(Path directory, int posts) {
        this.artifacts = directory;
        this.posts = posts;
    }

    /** The artifacts as the artifact store published them; empty until the pipeline published them. */
    public Optional<StoredArtifacts> published() {
        return Optional.ofNullable(published);
    }

    void published(StoredArtifacts stored) {
        this.published = stored;
    }

    /** The posts build-assets built (0 before it ran). */
    public int posts() {
        return posts;
    }
}
