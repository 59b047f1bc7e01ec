package dev.repoworker.objectstore;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** One line about a failed S3 call that an operator can act on: the bucket and S3's error code, never a credential. */
public final class S3Failures {

    private S3Failures() {}

    public static String describe(String bucket, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return "bucket " + bucket + ": S3 error " + (code == null || code.isBlank() ? "(no code)" : code)
                    + " (HTTP " + s3.statusCode() + ")";
        }
        return "bucket " + bucket + ": S3 could not be reached (" + e.getClass().getSimpleName() + ")";
    }
}
