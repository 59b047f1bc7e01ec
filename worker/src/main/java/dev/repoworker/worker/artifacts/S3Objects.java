package dev.repoworker.worker.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The few S3 calls the artifact store makes, on one bucket: put (in parts when large), list a folder, delete a key. */
final class S3Objects {

    /** Files past this size go up in parts of {@link #PART_SIZE} (S3's parts are at least 5 MiB, but the last). */
    static final long MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;

    S3Objects(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    void put(Upload upload) throws IOException {
        if (upload.size() > MULTIPART_THRESHOLD) {
            putInParts(upload);
            return;
        }
        s3.putObject(b -> b.bucket(bucket).key(upload.key()).contentType(upload.contentType())
                .cacheControl(upload.cacheControl()), RequestBody.fromFile(upload.file()));
    }

    private void putInParts(Upload upload) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(upload.key())
                .contentType(upload.contentType()).cacheControl(upload.cacheControl())).uploadId();
        try (InputStream in = Files.newInputStream(upload.file())) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[PART_SIZE];
            int partNumber = 1;
            int read;
            while ((read = in.readNBytes(buffer, 0, PART_SIZE)) > 0) {
                int number = partNumber++;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(upload.key()).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(read == PART_SIZE ? buffer : java.util.Arrays.copyOf(buffer, read))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** Every key under {@code folder} with its size. */
    Map<String, Long> list(String folder) {
        Map<String, Long> keys = new LinkedHashMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents()) {
            keys.put(object.key(), object.size());
        }
        return keys;
    }

    /**
     * One key at a time: DeleteObjects needs a checksum of its body, and the SDK's default one (CRC32, not
     * Content-MD5) is refused by several S3-compatible services (S3Proxy answers 501 NotImplemented).
     */
    void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
}
