package dev.repoworker.objectstore;

import dev.repoworker.protocol.Env;
import dev.repoworker.protocol.Env.InvalidConfigException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where artifacts live when {@code ARTIFACT_STORE=s3}: a bucket on AWS S3 or any S3-compatible service
 * (R2, MinIO, GCS's XML API, S3Proxy…). The Worker and the API read the same variables. Credentials are not
 * here: they come from the SDK's default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY},
 * profiles, instance roles).
 *
 * @param prefix    empty, or a key prefix ending in {@code /}: a job's artifacts are under {@code {prefix}{jobId}/}
 * @param endpoint  empty for AWS itself
 * @param pathStyle {@code https://host/bucket/key} instead of {@code https://bucket.host/key} (MinIO, S3Proxy)
 */
public record S3Settings(String bucket, Optional<URI> endpoint, String region, String prefix, boolean pathStyle) {

    public static final String DEFAULT_REGION = "us-east-1";

    public S3Settings {
        prefix = ObjectKeys.checkedPrefix(prefix);
    }

    /** {@code ARTIFACT_STORE=local} (the default) → empty; {@code s3} → the bucket's settings, checked. */
    public static Optional<S3Settings> fromEnv(Map<String, String> variables) {
        Env env = new Env(variables);
        String kind = env.text("ARTIFACT_STORE", "local").toLowerCase();
        if (!List.of("local", "s3").contains(kind)) {
            throw new InvalidConfigException("ARTIFACT_STORE", "must be local or s3, got '" + kind + "'");
        }
        if (kind.equals("local")) {
            return Optional.empty();
        }
        String bucket = env.text("S3_BUCKET")
                .orElseThrow(() -> new InvalidConfigException(
                        "S3_BUCKET", "is required when ARTIFACT_STORE=s3: the bucket the artifacts go to"));
        String prefix = env.text("S3_PREFIX", "");
        try {
            return Optional.of(new S3Settings(
                    bucket,
                    endpoint(env),
                    env.text("S3_REGION", DEFAULT_REGION),
                    prefix,
                    env.flag("S3_PATH_STYLE", false)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("S3_PREFIX", e.getMessage());
        }
    }

    private static Optional<URI> endpoint(Env env) {
        Optional<String> value = env.text("S3_ENDPOINT");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.get());
            if (List.of("http", "https").contains(String.valueOf(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidConfigException(
                "S3_ENDPOINT",
                "must be an http(s) URL such as https://<account>.r2.cloudflarestorage.com, got '" + value.get() + "'");
    }

    /** The folder of a job's artifacts as results report it: {@code s3://bucket/prefix/jobId/}. */
    public String location(String jobId) {
        return "s3://" + bucket + "/" + ObjectKeys.jobFolder(prefix, jobId);
    }
}
