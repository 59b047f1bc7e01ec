package dev.repoworker.api.artifacts;

import dev.repoworker.objectstore.ContentTypes;
import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts in the bucket the Workers publish to ({@code ARTIFACT_STORE=s3}), under {@code {S3_PREFIX}{jobId}/},
 * streamed from S3. Paths are checked as {@link ArtifactFiles} checks them, then made into keys by
 * {@link ObjectKeys}, which refuses anything that would leave the job's folder.
 */
public final class S3ArtifactReader implements ArtifactReader {

    private static final int MAX_LISTED = 1000;

    private final S3Client s3;
    private final S3Settings settings;

    public S3ArtifactReader(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.settings = settings;
    }

    @Override
    public List<Artifact> list(String jobId) {
        String folder;
        try {
            folder = ObjectKeys.jobFolder(settings.prefix(), jobId);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(folder)).contents()) {
            if (artifacts.size() == MAX_LISTED) {
                break;
            }
            String path = object.key().substring(folder.length());
            artifacts.add(new Artifact(path, object.size(), ContentTypes.of(path)));
        }
        artifacts.sort(Comparator.comparing(Artifact::path));
        return artifacts;
    }

    @Override
    public Optional<Content> open(String jobId, String path) {
        if (!ArtifactFiles.isSafeRelative(path)) {
            return Optional.empty();
        }
        String key;
        try {
            key = ObjectKeys.key(settings.prefix(), jobId, path);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(settings.bucket()).key(key));
            return Optional.of(new Content(body, body.response().contentLength(), ContentTypes.of(path)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String describe() {
        return "ARTIFACT_STORE=s3, s3://" + settings.bucket() + "/" + settings.prefix();
    }
}
