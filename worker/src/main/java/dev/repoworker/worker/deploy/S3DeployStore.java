package dev.repoworker.worker.deploy;

import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Failures;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.artifacts.CachePolicy;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.PublishFailedException;
import dev.repoworker.worker.artifacts.S3Objects;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.artifacts.Upload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deploys in the bucket under {@code {S3_PREFIX}projects/{projectId}/}. Content-hashed media go once to
 * {@code _shared/medias/} (one LIST tells which are there) and are copied server-side into the deploy's folder, so a
 * deploy's folder is complete and its pages' relative links work; every other file is uploaded, {@code manifest.json}
 * last. When the artifact store already published the job's files to this bucket ({@code {S3_PREFIX}{jobId}/}), the
 * deploy's files and missing media are server-side copies of those (CopyObject: no bytes go through the Worker, the
 * content type and {@code Cache-Control} come with the object); only {@code manifest.json} and the pointer are put.
 * The pointer is replaced with {@code If-Match: <ETag>} ({@code If-None-Match: *} when there is none).
 */
final class S3DeployStore implements DeployStore {

    private static final String SHARED_MEDIA = "_shared/medias/";
    private static final String MEDIA = "media/";
    private static final String POINTER_CACHE = "no-cache";

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Objects objects;

    S3DeployStore(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.settings = settings;
        this.objects = new S3Objects(s3, settings.bucket());
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public StoredFiles publishFiles(
            String projectId,
            String jobId,
            Path artifacts,
            Manifest.Content content,
            Optional<StoredArtifacts> published)
            throws IOException {
        String project = projectFolder(projectId);
        String folder = ObjectKeys.jobFolder(project, jobId);
        List<Upload> files = new ArrayList<>();
        List<Upload> media = new ArrayList<>();
        for (Manifest.Entry entry : content.entries()) {
            String path = entry.path();
            boolean shared = CachePolicy.isContentHashed(path);
            String key = shared
                    ? project + SHARED_MEDIA + path.substring(MEDIA.length())
                    : ObjectKeys.key(project, jobId, path);
            (shared ? media : files)
                    .add(new Upload(artifacts.resolve(path), key, S3Objects.contentType(path), CachePolicy.of(path)));
        }
        S3Objects.ObjectCall<Upload> write = artifactFolder(jobId, content, published)
                .<S3Objects.ObjectCall<Upload>>map(source ->
                        upload -> objects.copy(source + relative(artifacts, upload.file()), upload.key()))
                .orElse(objects::put);
        try {
            Map<String, Long> inShared = objects.list(project + SHARED_MEDIA);
            List<Upload> missing = media.stream()
                    .filter(m -> !Long.valueOf(m.size()).equals(inShared.get(m.key())))
                    .toList();
            List<String> kept =
                    content.entries().stream().map(e -> folder + e.path()).toList();
            AtomicInteger writtenAgain = new AtomicInteger();
            objects.publishSet(folder, artifacts.resolve(Manifest.FILE_NAME), objects.list(folder), kept, () -> {
                S3Objects.inParallel(missing, write);
                S3Objects.inParallel(media, m -> {
                    String target = folder + MEDIA + m.key().substring((project + SHARED_MEDIA).length());
                    if (copyShared(m, target, write)) {
                        writtenAgain.incrementAndGet();
                    }
                });
                S3Objects.inParallel(files, write);
            });
            int uploaded = missing.size() + writtenAgain.get();
            return new StoredFiles(content.files(), content.totalBytes(), uploaded, media.size() - uploaded);
        } catch (SdkException e) {
            throw failure("publishing the deploy", e);
        }
    }

    /**
     * Copies a shared medium into the deploy's folder. Pruning on another Worker may have deleted it since the LIST
     * said it was there: then it is written to {@code _shared/} again and copied.
     *
     * @return true when it had to be written again
     */
    private boolean copyShared(Upload medium, String target, S3Objects.ObjectCall<Upload> write) throws IOException {
        try {
            objects.copy(medium.key(), target);
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            write.run(medium);
            objects.copy(medium.key(), target);
            return true;
        }
    }

    /**
     * The job's artifact folder in this bucket when the artifact store published exactly these files there (same
     * manifest location, same count and bytes): the deploy copies from it instead of uploading a second time.
     */
    private Optional<String> artifactFolder(
            String jobId, Manifest.Content content, Optional<StoredArtifacts> published) {
        return published
                .filter(p -> p.manifest().equals(settings.location(jobId) + Manifest.FILE_NAME)
                        && p.files() == content.files()
                        && p.bytes() == content.totalBytes())
                .map(p -> ObjectKeys.jobFolder(settings.prefix(), jobId));
    }

    private static String relative(Path artifacts, Path file) {
        return artifacts.relativize(file).toString().replace('\\', '/');
    }

    @Override
    public Optional<VersionedPointer> readPointer(String projectId) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes =
                    s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(pointerKey(projectId)));
            return Optional.of(new VersionedPointer(
                    Json.mapper().readValue(bytes.asByteArray(), ActivePointer.class),
                    bytes.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("reading the active pointer", e);
        }
    }

    @Override
    public boolean replacePointer(String projectId, ActivePointer next, Optional<String> expected) throws IOException {
        try {
            s3.putObject(
                    b -> {
                        b.bucket(settings.bucket())
                                .key(pointerKey(projectId))
                                .contentType("application/json")
                                .cacheControl(POINTER_CACHE);
                        expected.ifPresentOrElse(b::ifMatch, () -> b.ifNoneMatch("*"));
                    },
                    RequestBody.fromBytes(Json.writeBytes(next)));
            return true;
        } catch (S3Exception e) {
            // 412 PreconditionFailed: changed since read; 409 ConditionalRequestConflict: another write is in flight
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw failure("moving the active pointer", e);
        } catch (SdkException e) {
            throw failure("moving the active pointer", e);
        }
    }

    @Override
    public List<DeployFolder> folders(String projectId) throws IOException {
        String project = projectFolder(projectId);
        try {
            Map<String, List<S3Object>> byFolder = new LinkedHashMap<>();
            for (S3Object object : objects.objects(project)) {
                folderOf(project, object.key())
                        .ifPresent(name -> byFolder.computeIfAbsent(name, n -> new ArrayList<>())
                                .add(object));
            }
            List<DeployFolder> folders = new ArrayList<>();
            byFolder.forEach((name, contents) -> {
                String manifest = project + name + "/" + Manifest.FILE_NAME;
                folders.add(new DeployFolder(
                        name,
                        contents.stream()
                                .filter(o -> o.key().equals(manifest))
                                .map(S3Object::lastModified)
                                .findFirst(),
                        contents.stream()
                                .map(S3Object::lastModified)
                                .max(Comparator.naturalOrder())
                                .orElseThrow()));
            });
            return folders;
        } catch (SdkException e) {
            throw failure("listing the project's deploys", e);
        }
    }

    @Override
    public void deleteFolder(String projectId, String folder) throws IOException {
        String prefix = projectFolder(projectId) + folder + "/";
        String manifest = prefix + Manifest.FILE_NAME;
        try {
            objects.delete(manifest);
            objects.deleteAll(objects.list(prefix).keySet().stream()
                    .filter(key -> !key.equals(manifest))
                    .toList());
        } catch (SdkException e) {
            throw failure("deleting the deploy " + folder, e);
        }
    }

    @Override
    public int pruneSharedMedia(String projectId, Instant before) throws IOException {
        String project = projectFolder(projectId);
        String shared = project + SHARED_MEDIA;
        try {
            List<S3Object> all = objects.objects(project);
            Set<String> held = all.stream()
                    .map(o -> heldMedium(project, o.key()))
                    .flatMap(Optional::stream)
                    .collect(Collectors.toSet());
            List<String> unused = all.stream()
                    .filter(o -> o.key().startsWith(shared)
                            && !held.contains(o.key().substring(shared.length()))
                            && o.lastModified().isBefore(before))
                    .map(S3Object::key)
                    .toList();
            objects.deleteAll(unused);
            return unused.size();
        } catch (SdkException e) {
            throw failure("deleting unused shared media", e);
        }
    }

    /** The deploy folder a key of the project is in; empty for {@code active.json} and {@code _shared/}. */
    private static Optional<String> folderOf(String project, String key) {
        String rest = key.substring(project.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.substring(0, slash).equals(Deployments.SHARED)) {
            return Optional.empty();
        }
        return Optional.of(rest.substring(0, slash));
    }

    /** The shared medium's name when {@code key} is a deploy folder's {@code media/…}. */
    private static Optional<String> heldMedium(String project, String key) {
        return folderOf(project, key)
                .map(folder -> key.substring(project.length() + folder.length() + 1))
                .filter(path -> path.startsWith(MEDIA))
                .map(path -> path.substring(MEDIA.length()));
    }

    private String projectFolder(String projectId) {
        return settings.prefix() + "projects/" + projectId + "/";
    }

    private String pointerKey(String projectId) {
        return projectFolder(projectId) + Deployments.ACTIVE;
    }

    private PublishFailedException failure(String doing, SdkException e) {
        return new PublishFailedException(doing + " failed: " + S3Failures.describe(settings.bucket(), e), e);
    }
}
