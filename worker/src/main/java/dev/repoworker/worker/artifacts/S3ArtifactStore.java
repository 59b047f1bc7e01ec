package dev.repoworker.worker.artifacts;

import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Failures;
import dev.repoworker.objectstore.S3Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Artifacts on S3-compatible object storage ({@code ARTIFACT_STORE=s3}) under {@code {S3_PREFIX}{jobId}/}. A job
 * writes into a local staging folder ({@code ARTIFACTS_DIR/{jobId}/}, kept as this Worker's copy); {@link #publish}
 * removes the earlier manifest, uploads every file ({@value S3Objects#PARALLEL_CALLS} at a time, large ones in parts), and
 * writes {@code manifest.json} last, so a reader that finds a manifest finds every file it lists. Content-hashed
 * media already in the bucket are not uploaded again.
 */
public final class S3ArtifactStore implements ArtifactStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactStore.class);

    private final LocalArtifactStore staging;
    private final S3Settings settings;
    private final S3Objects objects;

    public S3ArtifactStore(LocalArtifactStore staging, S3Client s3, S3Settings settings) {
        this.staging = staging;
        this.settings = settings;
        this.objects = new S3Objects(s3, settings.bucket());
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public Path open(String jobId) throws IOException {
        return staging.open(jobId);
    }

    @Override
    public StoredArtifacts publish(String jobId, Path directory) throws IOException {
        String folder = keyOrRefuse(() -> ObjectKeys.jobFolder(settings.prefix(), jobId));
        Manifest.Content content = Manifest.write(directory);
        List<Upload> uploads = new ArrayList<>();
        for (Manifest.Entry entry : content.entries()) {
            String key = keyOrRefuse(() -> ObjectKeys.key(settings.prefix(), jobId, entry.path()));
            uploads.add(new Upload(
                    directory.resolve(entry.path()),
                    key,
                    S3Objects.contentType(entry.path()),
                    CachePolicy.of(entry.path())));
        }
        try {
            Map<String, Long> existing = objects.list(folder);
            objects.publishSet(
                    folder,
                    directory.resolve(Manifest.FILE_NAME),
                    existing,
                    uploads.stream().map(Upload::key).toList(),
                    () -> S3Objects.inParallel(
                            uploads.stream()
                                    .filter(u -> !alreadyThere(u, existing))
                                    .toList(),
                            objects::put));
        } catch (SdkException e) {
            throw new PublishFailedException(
                    "publishing the artifacts failed: " + S3Failures.describe(settings.bucket(), e), e);
        }
        return new StoredArtifacts(
                kind(), settings.location(jobId) + Manifest.FILE_NAME, content.files(), content.totalBytes());
    }

    /** A content-hashed medium of the same size is the same file: an earlier publish of this job uploaded it. */
    private static boolean alreadyThere(Upload upload, Map<String, Long> existing) {
        Long size = existing.get(upload.key());
        return size != null && CachePolicy.IMMUTABLE.equals(upload.cacheControl()) && size == upload.size();
    }

    @Override
    public void discard(String jobId) {
        staging.discard(jobId);
        try {
            String folder = ObjectKeys.jobFolder(settings.prefix(), jobId);
            S3Objects.inParallel(List.copyOf(objects.list(folder).keySet()), objects::delete);
        } catch (SdkException | IOException | IllegalArgumentException e) {
            LOG.warn(
                    "could not remove the artifacts of job {} from the bucket: {}",
                    jobId,
                    e instanceof SdkException sdk ? S3Failures.describe(settings.bucket(), sdk) : e.getMessage());
        }
    }

    private static String keyOrRefuse(java.util.function.Supplier<String> key) throws PublishFailedException {
        try {
            return key.get();
        } catch (IllegalArgumentException e) {
            throw new PublishFailedException("publishing the artifacts failed: " + e.getMessage(), e);
        }
    }
}
