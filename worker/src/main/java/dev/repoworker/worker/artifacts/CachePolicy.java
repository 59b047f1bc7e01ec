package dev.repoworker.worker.artifacts;

/**
 * {@code Cache-Control} of a published artifact: media named by their content hash ({@code media/{sha256}…})
 * never change, so caches keep them a year; everything else (JSON, HTML) changes with each build under the
 * same name, so caches check again after a minute.
 */
public final class CachePolicy {

    public static final String IMMUTABLE = "public,max-age=31536000,immutable";
    public static final String SHORT = "public,max-age=60";

    private CachePolicy() {}

    public static String of(String path) {
        return isContentHashed(path) ? IMMUTABLE : SHORT;
    }

    /** {@code media/} followed by 64 hex digits (the sha256 the optimiser names its variants by). */
    public static boolean isContentHashed(String path) {
        if (!path.startsWith("media/") || path.length() < "media/".length() + 64) {
            return false;
        }
        for (int i = "media/".length(); i < "media/".length() + 64; i++) {
            char c = path.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
