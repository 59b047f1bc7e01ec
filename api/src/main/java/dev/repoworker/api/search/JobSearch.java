package dev.repoworker.api.search;

import dev.repoworker.embeddings.Embedder;
import dev.repoworker.embeddings.SearchHit;
import dev.repoworker.embeddings.SemanticSearch;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Semantic search over a job's artifacts: its {@code embeddings} index, written by that job's
 * {@code compute-embeddings} (or a pipeline that ran it), found by {@link IndexFolders} (under
 * {@code ARTIFACTS_DIR}, or downloaded from S3). The index is opened per request (memory-mapped, a few
 * milliseconds); the query embedder is created once and, for the local model, loads on the first search.
 */
public final class JobSearch {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final IndexFolders folders;
    private final Embedder embedder;

    public JobSearch(Path artifactsDir, Embedder embedder) {
        this(IndexFolders.local(artifactsDir), embedder);
    }

    public JobSearch(IndexFolders folders, Embedder embedder) {
        this.folders = folders;
        this.embedder = embedder;
    }

    /** A job exists but has nothing to search, or was embedded with another model: HTTP 409. */
    public static final class NotSearchableException extends Exception {
        public NotSearchableException(String message) {
            super(message);
        }
    }

    public List<SearchHit> search(String jobId, String query, int k)
            throws NotSearchableException, IOException, InterruptedException {
        if (!JOB_ID.matcher(jobId).matches() || jobId.contains("..")) {
            throw new NotSearchableException("job " + jobId + " has no embeddings");
        }
        SemanticSearch search;
        try {
            search = open(jobId);
        } catch (NoSuchFileException e) {
            throw new NotSearchableException("job " + jobId + " has no embeddings: run compute-embeddings on it "
                    + "(data {\"artifactsOf\": \"<build job id>\"}) and search that job");
        } catch (SemanticSearch.ModelMismatchException e) {
            throw new NotSearchableException(e.getMessage());
        }
        try (search) {
            return search.search(query, k);
        }
    }

    /** Once more when the index went between finding and opening it (a cache evicted it): it is fetched again. */
    private SemanticSearch open(String jobId) throws IOException, SemanticSearch.ModelMismatchException {
        try {
            return SemanticSearch.open(folders.of(jobId), embedder);
        } catch (NoSuchFileException e) {
            return SemanticSearch.open(folders.of(jobId), embedder);
        }
    }
}
