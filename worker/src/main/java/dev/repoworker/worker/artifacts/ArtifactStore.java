package dev.repoworker.worker.artifacts;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a job's artifacts go. A job writes its files into the directory {@link #open} gives it, then
 * {@link #publish} writes {@code manifest.json} (every file with size and sha256) and makes the set
 * visible under {@code {jobId}/}. A local directory by default; object storage when scaled out
 * (upload in {@code publish}).
 */
public interface ArtifactStore {

    /** A short name of the store kind for results ({@code local}, {@code s3}, …). */
    String kind();

    /** An empty directory to write the job's artifacts into (any earlier attempt's files removed). */
    Path open(String jobId) throws IOException;

    /** Writes the manifest of what {@code directory} holds and publishes it; returns where it is. */
    StoredArtifacts publish(String jobId, Path directory) throws IOException;

    /** Removes whatever a failed or cancelled job left. */
    void discard(String jobId);
}
