package dev.repoworker.api.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where the API reads a job's artifacts: {@code ARTIFACTS_DIR} ({@link LocalArtifactReader}) or the bucket the
 * Workers publish to ({@link S3ArtifactReader}). Both refuse every path that is not plain segments inside the
 * job's folder, and give content types by extension.
 */
public interface ArtifactReader extends AutoCloseable {

    /** One file of a job, relative to its folder. */
    record Artifact(String path, long size, String contentType) {
    }

    /** An artifact's bytes, to be closed by the one who streams them. */
    record Content(InputStream body, long size, String contentType) {
    }

    /** Every file of the job, sorted by path (at most 1000); empty when there are none. */
    List<Artifact> list(String jobId);

    /** The artifact at {@code path} of {@code jobId}; empty when there is none or the path is refused. */
    Optional<Content> open(String jobId, String path) throws IOException;

    /**
     * A short-lived URL to fetch the artifact at {@code path} from directly, when this reader gives them out and the
     * file is safe to serve without this API's headers; empty otherwise (then it is streamed by {@link #open}, which
     * also answers refused and missing paths).
     */
    default Optional<URI> redirect(String jobId, String path) {
        return Optional.empty();
    }

    /** Where this reader looks, for the note on a job whose artifacts it cannot see ({@code ARTIFACTS_DIR=…}). */
    String describe();

    /** Releases the reader's connections; nothing by default. */
    @Override
    default void close() {
    }
}
