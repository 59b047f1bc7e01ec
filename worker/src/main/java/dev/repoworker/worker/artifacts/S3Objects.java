package dev.repoworker.worker.artifacts;

import dev.repoworker.objectstore.ContentTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few S3 calls the artifact and deploy stores make, on one bucket: put (in parts when large), copy, read, download,
 * list a folder, delete keys, and run such calls {@value #PARALLEL_CALLS} at a time.
 */
public final class S3Objects {

    /** Files past this size go up in parts of {@link #PART_SIZE} (S3's parts are at least 5 MiB, but the last). */
    static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;

    static final int PART_SIZE = 8 * 1024 * 1024;

    static final int PARALLEL_CALLS = 8;

    /** S3's limit of keys per DeleteObjects call. */
    static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;

    public S3Objects(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * The signed {@code Content-Type}, with the charset spelled {@code UTF-8}: servers on Jetty (S3Proxy) read it
     * back so before checking the signature, and the two spellings mean the same.
     */
    public static String contentType(String path) {
        return ContentTypes.of(path).replace("charset=utf-8", "charset=UTF-8");
    }

    public void put(Upload upload) throws IOException {
        if (upload.size() > MULTIPART_THRESHOLD) {
            putInParts(upload);
            return;
        }
        s3.putObject(
                b -> b.bucket(bucket)
                        .key(upload.key())
                        .contentType(upload.contentType())
                        .cacheControl(upload.cacheControl()),
                RequestBody.fromFile(upload.file()));
    }

    private void putInParts(Upload upload) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key(upload.key())
                        .contentType(upload.contentType())
                        .cacheControl(upload.cacheControl()))
                .uploadId();
        try (InputStream in = Files.newInputStream(upload.file())) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[PART_SIZE];
            int partNumber = 1;
            int read;
            while ((read = in.readNBytes(buffer, 0, PART_SIZE)) > 0) {
                int number = partNumber++;
                String etag = s3.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(upload.key())
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                RequestBody.fromBytes(
                                        read == PART_SIZE ? buffer : java.util.Arrays.copyOf(buffer, read)))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket)
                    .key(upload.key())
                    .uploadId(uploadId)
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** A server-side copy: no bytes go through this Worker; the type and Cache-Control are copied with the object. */
    public void copy(String sourceKey, String targetKey) {
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(sourceKey)
                .destinationBucket(bucket)
                .destinationKey(targetKey));
    }

    /** The object's bytes; empty when there is no such key. For small objects (a manifest, a pointer). */
    public Optional<byte[]> read(String key) {
        try {
            return Optional.of(
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Writes the object into {@code target} (which must not exist yet). */
    public void download(String key, Path target) {
        s3.getObject(b -> b.bucket(bucket).key(key), target);
    }

    /** Every key under {@code folder} with its size. */
    public Map<String, Long> list(String folder) {
        Map<String, Long> keys = new LinkedHashMap<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents()) {
            keys.put(object.key(), object.size());
        }
        return keys;
    }

    /** Every object under {@code folder}, with its size and when it was last written (by the server's clock). */
    public List<S3Object> objects(String folder) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents().stream()
                .toList();
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /**
     * Deletes {@code keys}, {@value #DELETE_BATCH} per DeleteObjects call. That call's body carries a checksum; it
     * goes as Content-MD5 too, for services that read only that one. A service that refuses the call gets one
     * DeleteObject per key instead: S3Proxy refuses the SDK's checksum header with 501 NotImplemented, and Google
     * Cloud Storage's XML API has no multi-object delete at all (400 InvalidArgument).
     */
    public void deleteAll(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<String> batch = keys.subList(from, Math.min(from + DELETE_BATCH, keys.size()));
            try {
                deleteBatch(batch);
            } catch (S3Exception e) {
                if (e.statusCode() != 501 && e.statusCode() != 400) {
                    throw e;
                }
                inParallel(batch, this::delete);
            }
        }
    }

    private void deleteBatch(List<String> keys) throws IOException {
        List<ObjectIdentifier> objects = keys.stream()
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
        DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(objects).quiet(true))
                .overrideConfiguration(o -> o.addPlugin(LegacyMd5Plugin.create())));
        if (!response.errors().isEmpty()) {
            S3Error first = response.errors().getFirst();
            throw new IOException(response.errors().size() + " of " + keys.size() + " keys were not deleted, "
                    + first.key() + ": " + first.code() + " " + first.message());
        }
    }

    /** Uploads a set's contents (anything but its manifest). */
    public interface Contents {
        void upload() throws IOException;
    }

    /**
     * Publishes a set of files to {@code folder} so that a reader never sees half of it: the folder's old manifest
     * is withdrawn first, then {@code contents} are uploaded, then {@code manifest} is put last; keys the folder held
     * before ({@code earlier}) that are neither in {@code kept} nor the manifest are deleted after.
     */
    public void publishSet(
            String folder, Path manifest, Map<String, Long> earlier, Collection<String> kept, Contents contents)
            throws IOException {
        String manifestKey = folder + Manifest.FILE_NAME;
        delete(manifestKey);
        contents.upload();
        put(new Upload(manifest, manifestKey, contentType(Manifest.FILE_NAME), CachePolicy.SHORT));
        Set<String> keep = new HashSet<>(kept);
        inParallel(
                earlier.keySet().stream()
                        .filter(key -> !keep.contains(key) && !key.equals(manifestKey))
                        .toList(),
                this::delete);
    }

    public interface ObjectCall<T> {
        void run(T item) throws IOException;
    }

    /** Runs {@code call} on every item, {@value #PARALLEL_CALLS} at a time; the first failure stops the rest. */
    public static <T> void inParallel(List<T> items, ObjectCall<T> call) throws IOException {
        try (ExecutorService pool = Executors.newFixedThreadPool(
                PARALLEL_CALLS, Thread.ofVirtual().name("s3-", 0).factory())) {
            List<Future<?>> pending = new ArrayList<>();
            for (T item : items) {
                pending.add(pool.submit(() -> {
                    call.run(item);
                    return null;
                }));
            }
            for (Future<?> future : pending) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    pending.forEach(f -> f.cancel(true));
                    switch (e.getCause()) {
                        case SdkException sdk -> throw sdk;
                        case IOException io -> throw io;
                        default -> throw new IOException("an object call failed", e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("the object calls were interrupted");
        }
    }
}
