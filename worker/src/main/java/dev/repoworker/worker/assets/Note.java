package dev.repoworker.worker.assets;

import java.util.List;
import java.util.Map;

/**
 * A selected note before rendering. {@code path} is relative to the build root with {@code /};
 * {@code name} is the file name without {@code .md}; {@code folder} is "" at the root. A {@code .canvas} file is a
 * note too (it becomes a post, takes part in links): its {@code canvas} is the parsed file, null for Markdown.
 */
record Note(
        String path,
        String folder,
        String name,
        String source,
        Map<String, Object> frontmatter,
        int frontmatterLines,
        String slug,
        String frontmatterTitle,
        List<String> aliases,
        List<String> frontmatterTags,
        String hash,
        String updated,
        CanvasFile canvas) {

    Note withSlug(String newSlug) {
        return new Note(
                path,
                folder,
                name,
                source,
                frontmatter,
                frontmatterLines,
                newSlug,
                frontmatterTitle,
                aliases,
                frontmatterTags,
                hash,
                updated,
                canvas);
    }

    boolean isCanvas() {
        return canvas != null;
    }

    static String folderOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String nameOf(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot <= 0 ? file : file.substring(0, dot);
    }
}
