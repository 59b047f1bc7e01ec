package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One problem found while building: never fatal, listed in {@code issues.json}. Line is 1-based, 0 when unknown. */
@JsonPropertyOrder({"kind", "file", "line", "message"})
public record Issue(String kind, String file, int line, String message) implements Comparable<Issue> {

    public static final String BROKEN_LINK = "broken-link";
    public static final String MISSING_MEDIA = "missing-media";
    public static final String SLUG_CONFLICT = "slug-conflict";
    public static final String EMBED_CYCLE = "embed-cycle";
    public static final String EMBED_DEPTH = "embed-depth";
    public static final String UNSAFE_PATH = "unsafe-path";
    public static final String UNSAFE_SYMLINK = "unsafe-symlink";
    public static final String FRONTMATTER = "frontmatter";
    public static final String FILE_TOO_LARGE = "file-too-large";
    public static final String IMAGE_TOO_LARGE = "image-too-large";
    public static final String MEDIA_FAILED = "media-failed";
    public static final String RENDER_FAILED = "render-failed";
    public static final String UNREADABLE = "unreadable";
    public static final String INVALID_UTF8 = "invalid-utf8";
    public static final String TOO_DEEP = "too-deeply-nested";
    public static final String TOO_COMPLEX = "too-complex";
    public static final String HTML_TOO_LARGE = "html-too-large";
    public static final String ACTIVE_CONTENT = "active-content";
    public static final String INVALID_CANVAS = "invalid-canvas";

    @Override
    public int compareTo(Issue o) {
        int c = file.compareTo(o.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, o.line);
        if (c != 0) {
            return c;
        }
        c = kind.compareTo(o.kind);
        return c != 0 ? c : message.compareTo(o.message);
    }
}
