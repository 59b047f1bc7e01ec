package dev.repoworker.api.search;

import dev.repoworker.embeddings.ComputeEmbeddings;
import java.io.IOException;
import java.nio.file.Path;

/** Where a job's search index is on this machine: under {@code ARTIFACTS_DIR}, or fetched from the store. */
@FunctionalInterface
public interface IndexFolders {

    /**
     * The folder holding the job's {@code embeddings} index.
     *
     * @throws java.nio.file.NoSuchFileException when the job has no index
     */
    Path of(String jobId) throws IOException;

    /** {@code artifactsDir/<jobId>/embeddings}, written there by a Worker that shares the folder. */
    static IndexFolders local(Path artifactsDir) {
        return jobId -> artifactsDir.resolve(jobId).resolve(ComputeEmbeddings.OUTPUT_DIR);
    }
}
