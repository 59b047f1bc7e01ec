package dev.repoworker.worker.artifacts;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

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

    /** What a task writes into the folder {@link #open} gave it (publishing it there when the task should). */
    @FunctionalInterface
    interface Writing<R> {
        R into(Path folder) throws IOException, TaskFailedException, InterruptedException;
    }

    /**
     * Runs {@code writing} in the job's folder, and on any failure removes whatever it left. A failed publish or
     * read/write is the task's failure, worded {@code "<task> failed: …"}; {@code ioFailure} says what could not be
     * read or written (the exception's class follows it; local paths never do).
     */
    default <R> R write(String jobId, String task, String ioFailure, Writing<R> writing)
            throws TaskFailedException, InterruptedException {
        Path folder = null;
        try {
            folder = open(jobId);
            return writing.into(folder);
        } catch (PublishFailedException e) {
            discard(jobId);
            throw new TaskFailedException(task + " failed: " + e.getMessage());
        } catch (IOException e) {
            discard(jobId);
            LoggerFactory.getLogger(ArtifactStore.class).warn("job {}: {} failed", jobId, task, e);
            throw new TaskFailedException(
                    task + " failed: " + ioFailure + " (" + e.getClass().getSimpleName() + ")");
        } catch (TaskFailedException | InterruptedException | RuntimeException | Error e) {
            if (folder != null) {
                discard(jobId);
            }
            throw e;
        }
    }
}
