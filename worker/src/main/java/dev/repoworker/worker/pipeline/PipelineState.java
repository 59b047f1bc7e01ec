package dev.repoworker.worker.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the steps of one pipeline run hand to each other: the repository on disk (set by acquire,
 * template or build-assets), the job's artifacts folder once build-assets wrote it, and each finished
 * step's summary. One instance per job; steps run one after the other on the job's thread.
 */
public final class PipelineState {

    private Path repoDirectory;
    private boolean gitRepository;
    private Map<String, Object> repository = new LinkedHashMap<>();
    private Path artifacts;
    private boolean embeddings;
    private final Map<String, Map<String, Object>> steps = new LinkedHashMap<>();

    public Optional<Path> repoDirectory() {
        return Optional.ofNullable(repoDirectory);
    }

    /** Whether the repository is a Git clone (history may be read from it). */
    public boolean gitRepository() {
        return gitRepository;
    }

    public void repo(Path directory, boolean git, Map<String, Object> description) {
        this.repoDirectory = directory;
        this.gitRepository = git;
        this.repository = new LinkedHashMap<>(description);
    }

    public Map<String, Object> repository() {
        return repository;
    }

    public Optional<Path> artifacts() {
        return Optional.ofNullable(artifacts);
    }

    public void artifacts(Path directory) {
        this.artifacts = directory;
    }

    /** Whether compute-embeddings wrote {@code related.json} into the job's folder. */
    public boolean embeddings() {
        return embeddings;
    }

    public void embeddings(boolean computed) {
        this.embeddings = computed;
    }

    public Map<String, Map<String, Object>> steps() {
        return steps;
    }
}
