package dev.repoworker.worker.artifacts;

import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Failures;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The artifacts of an earlier job that a task reads ({@code artifactsOf}, {@code embeddingsOf}): this Worker's folder
 * ({@code ARTIFACTS_DIR/{jobId}/}) when it has one; else, with {@code ARTIFACT_STORE=s3}, the few files the task reads,
 * downloaded from the bucket into the job's workspace, so the job may run on any Worker. The bucket's
 * {@code manifest.json} is written last: without it the set is not published, and its sizes and sha256 check each
 * download.
 */
public final class EarlierArtifacts {

    /** What looking for a job's artifacts found. */
    public sealed interface Lookup {

        /** A folder holding those of the asked files that the job has. */
        record Found(Path folder) implements Lookup {}

        /** Neither this Worker nor the bucket holds anything of the job. */
        record Missing() implements Lookup {}

        /** The bucket holds files of the job but no manifest: its publishing has not finished, or failed. */
        record Unpublished() implements Lookup {}

        /** The bucket could not be read; {@code reason} names the bucket and S3's error code. */
        record Unreadable(String reason) implements Lookup {}
    }

    private static final String DOWNLOADS = "artifacts-of";

    private final LocalArtifactStore local;
    private final Optional<ObjectStorage> bucket;

    public EarlierArtifacts(LocalArtifactStore local, Optional<ObjectStorage> bucket) {
        this.local = local;
        this.bucket = bucket;
    }

    /**
     * The job's folder on this Worker, or {@code files} (plain names) fetched from the bucket into
     * {@code workspace/artifacts-of/{jobId}/}; files the job's manifest does not list are left out.
     */
    public Lookup find(String jobId, List<String> files, Path workspace) throws IOException {
        Path folder;
        try {
            folder = local.directory(jobId);
        } catch (IllegalArgumentException e) {
            return new Lookup.Missing();
        }
        if (Files.isDirectory(folder)) {
            return new Lookup.Found(folder);
        }
        if (bucket.isEmpty()) {
            return new Lookup.Missing();
        }
        try {
            return fetch(jobId, files, workspace.resolve(DOWNLOADS).resolve(jobId), bucket.get());
        } catch (SdkException e) {
            return new Lookup.Unreadable("reading the artifacts of job " + jobId + " failed: "
                    + S3Failures.describe(bucket.get().settings().bucket(), e));
        }
    }

    /** The failure of a task whose {@code data.<field>} names a job without usable artifacts. */
    public static String failure(Lookup lookup, String jobId, String field) {
        return switch (lookup) {
            case Lookup.Found found -> throw new IllegalArgumentException("found artifacts are no failure");
            case Lookup.Missing missing ->
                "no artifacts for job " + jobId + " (data." + field + "): run build-assets first";
            case Lookup.Unpublished unpublished ->
                "the artifacts of job " + jobId + " (data." + field + ") are not published: the bucket holds no "
                        + Manifest.FILE_NAME + " for them (still publishing, or that job failed)";
            case Lookup.Unreadable unreadable -> unreadable.reason() + " (data." + field + ")";
        };
    }

    private static Lookup fetch(String jobId, List<String> files, Path target, ObjectStorage bucket)
            throws IOException {
        String folder;
        try {
            folder = ObjectKeys.jobFolder(bucket.settings().prefix(), jobId);
        } catch (IllegalArgumentException e) {
            return new Lookup.Missing();
        }
        S3Objects objects = new S3Objects(bucket.client(), bucket.settings().bucket());
        Optional<byte[]> manifest = objects.read(folder + Manifest.FILE_NAME);
        if (manifest.isEmpty()) {
            return objects.list(folder).isEmpty() ? new Lookup.Missing() : new Lookup.Unpublished();
        }
        Manifest.Content content = Json.mapper().readValue(manifest.get(), Manifest.Content.class);
        Files.createDirectories(target);
        for (Manifest.Entry entry : content.entries()) {
            if (files.contains(entry.path())) {
                Path file = target.resolve(entry.path());
                objects.download(folder + entry.path(), file);
                if (Files.size(file) != entry.size() || !Manifest.sha256(file).equals(entry.sha256())) {
                    return new Lookup.Unreadable("reading the artifacts of job " + jobId + " failed: " + entry.path()
                            + " in the bucket does not match its manifest (republished meanwhile?)");
                }
            }
        }
        return new Lookup.Found(target);
    }
}
