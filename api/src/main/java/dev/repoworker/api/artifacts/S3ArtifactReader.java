package dev.repoworker.api.artifacts;

import dev.repoworker.objectstore.ContentTypes;
import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Artifacts in the bucket the Workers publish to ({@code ARTIFACT_STORE=s3}), under {@code {S3_PREFIX}{jobId}/},
 * streamed from S3. Paths are checked as {@link ArtifactFiles} checks them, then made into keys by
 * {@link ObjectKeys}, which refuses anything that would leave the job's folder.
 */
public final class S3ArtifactReader implements ArtifactReader {

    private static final int MAX_LISTED = 1000;

    /**
     * What a browser may get straight from the bucket: types that do not run script. S3 cannot send this API's
     * {@code Content-Security-Policy: sandbox} or {@code nosniff}, so HTML, SVG, XML, scripts and PDF stay streamed
     * through the API with them.
     */
    private static final Set<String> PASSIVE_TYPES = Set.of(
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/avif",
            "image/x-icon",
            "application/json",
            "text/plain",
            "text/markdown",
            "text/csv",
            "text/css",
            "video/mp4",
            "video/webm",
            "audio/mpeg",
            ContentTypes.UNKNOWN);

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Presigner presigner;
    private final Duration redirectTtl;

    public S3ArtifactReader(S3Client s3, S3Settings settings) {
        this(s3, settings, null, null);
    }

    /** A reader that also gives out presigned GET URLs, valid for {@code redirectTtl}. */
    public S3ArtifactReader(S3Client s3, S3Settings settings, S3Presigner presigner, Duration redirectTtl) {
        this.s3 = s3;
        this.settings = settings;
        this.presigner = presigner;
        this.redirectTtl = redirectTtl;
    }

    /** A presigner for the bucket of {@code settings}: same region, endpoint, path style and credentials as the client. */
    public static S3Presigner presigner(S3Settings settings) {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle())
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
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
        for (S3Object object : s3.listObjectsV2Paginator(
                        b -> b.bucket(settings.bucket()).prefix(folder))
                .contents()) {
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
            ResponseInputStream<GetObjectResponse> body =
                    s3.getObject(b -> b.bucket(settings.bucket()).key(key));
            return Optional.of(new Content(body, body.response().contentLength(), ContentTypes.of(path)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Only for an existing object of a passive type; its content type and caching are forced through the presign. */
    @Override
    public Optional<URI> redirect(String jobId, String path) {
        if (presigner == null || !ArtifactFiles.isSafeRelative(path)) {
            return Optional.empty();
        }
        String contentType = ContentTypes.of(path);
        if (!PASSIVE_TYPES.contains(contentType.replaceFirst(";.*", "").strip())) {
            return Optional.empty();
        }
        String key;
        try {
            key = ObjectKeys.key(settings.prefix(), jobId, path);
            s3.headObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (IllegalArgumentException | NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        PresignedGetObjectRequest presigned = presigner.presignGetObject(b -> b.signatureDuration(redirectTtl)
                .getObjectRequest(get -> get.bucket(settings.bucket())
                        .key(key)
                        .responseContentType(contentType)
                        .responseCacheControl("private, max-age=60")));
        try {
            return Optional.of(presigned.url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    @Override
    public void close() {
        s3.close();
        if (presigner != null) {
            presigner.close();
        }
    }

    @Override
    public String describe() {
        return "ARTIFACT_STORE=s3, s3://" + settings.bucket() + "/" + settings.prefix();
    }
}
