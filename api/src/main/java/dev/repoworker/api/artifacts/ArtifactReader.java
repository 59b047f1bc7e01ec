package dev.repoworker.api.artifacts;

import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the API reads a job's artifacts: {@code ARTIFACTS_DIR} ({@link LocalArtifactReader}) or the bucket the
 * Workers publish to ({@link S3ArtifactReader}). Both refuse every path that is not plain segments inside the
 * job's folder, and give content types by extension.
 */
public interface ArtifactReader extends AutoCloseable {

    /** One file of a job, relative to its folder. */
    record Artifact(String path, long size, String contentType) {}

    /** An artifact's bytes, to be closed by the one who streams them. */
    record Content(InputStream body, long size, String contentType) {}

    /** Every file of the job, sorted by path (at most 1000); empty when there are none. */
    List<Artifact> list(String jobId);

    /** The artifact at {@code path} of {@code jobId}; empty when there is none or the path is refused. */
    Optional<Content> open(String jobId, String path) throws IOException;

    /** A project's pointer to the deploy that serves: {@code projects/{projectId}/active.json}, as the Workers publish it. */
    record ActivePointer(String jobId, Instant requestedAt, String location) {}

    /**
     * The active pointer of {@code projectId} from the store ({@code ARTIFACTS_DIR} or the bucket, under the same
     * checks as any artifact); empty when the project has none yet.
     */
    default Optional<ActivePointer> activePointer(String projectId) throws IOException {
        Optional<Content> content = open("projects", projectId + "/active.json");
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream body = content.get().body()) {
            return Optional.of(Json.mapper().readValue(body, ActivePointer.class));
        }
    }

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
    default void close() {}
}
