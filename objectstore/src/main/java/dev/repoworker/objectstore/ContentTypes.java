package dev.repoworker.objectstore;

import java.util.Locale;
import java.util.Map;

/** The content type of an artifact by its extension, the same for the Worker's uploads and the API's answers. */
public final class ContentTypes {

    public static final String UNKNOWN = "application/octet-stream";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("json", "application/json"),
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("bin", UNKNOWN),
            Map.entry("npy", UNKNOWN));

    private ContentTypes() {}

    /** By file extension; {@code application/octet-stream} when unknown. */
    public static String of(String path) {
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        if (dot <= slash + 1) {
            return UNKNOWN;
        }
        return TYPES.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
