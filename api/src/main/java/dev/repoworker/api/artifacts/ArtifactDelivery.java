package dev.repoworker.api.artifacts;

import dev.repoworker.protocol.Env;
import java.time.Duration;
import java.util.Locale;

/**
 * How {@code GET /api/cloudrun/jobs/{id}/artifacts/{path}} hands out a file: streamed through the API, or, with
 * {@code ARTIFACTS_DELIVERY=redirect} on S3, a redirect to a presigned GET valid for {@code redirectTtl}.
 */
public record ArtifactDelivery(boolean redirect, Duration redirectTtl) {

    public static final ArtifactDelivery STREAM = new ArtifactDelivery(false, Duration.ofMinutes(5));
    private static final Duration MIN_TTL = Duration.ofSeconds(10);
    private static final Duration MAX_TTL = Duration.ofHours(1);

    /** {@code ARTIFACTS_DELIVERY} ({@code stream}, the default, or {@code redirect}, only with S3) and {@code ARTIFACTS_REDIRECT_TTL}. */
    public static ArtifactDelivery fromEnv(Env env, boolean s3) {
        String kind = env.text("ARTIFACTS_DELIVERY", "stream").toLowerCase(Locale.ROOT);
        if (!kind.equals("stream") && !kind.equals("redirect")) {
            throw new Env.InvalidConfigException(
                    "ARTIFACTS_DELIVERY", "must be stream or redirect, got '" + kind + "'");
        }
        if (kind.equals("redirect") && !s3) {
            throw new Env.InvalidConfigException(
                    "ARTIFACTS_DELIVERY", "redirect needs ARTIFACT_STORE=s3 (a bucket to presign URLs of)");
        }
        Duration ttl = env.duration("ARTIFACTS_REDIRECT_TTL", STREAM.redirectTtl());
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new Env.InvalidConfigException("ARTIFACTS_REDIRECT_TTL", "must be from 10s to 1h");
        }
        return new ArtifactDelivery(kind.equals("redirect"), ttl);
    }
}
