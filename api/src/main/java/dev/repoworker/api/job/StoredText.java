package dev.repoworker.api.job;

/**
 * Free text from outside (a Worker's error, a progress message, a dispatch failure) as the database can
 * hold it: PostgreSQL refuses NUL in text columns, so it becomes U+FFFD instead of failing the write.
 */
final class StoredText {

    private StoredText() {}

    static String of(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }
}
