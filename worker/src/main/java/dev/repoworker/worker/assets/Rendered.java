package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Canvas;
import dev.repoworker.embeddings.Post;
import java.util.List;
import java.util.Set;

/** What rendering one note gives: sanitised HTML and what was learnt on the way; {@code canvas} only for a canvas. */
record Rendered(
        String html,
        String plain,
        String excerpt,
        List<Post.TocEntry> toc,
        String firstHeading,
        Set<String> links,
        Set<String> embeds,
        Set<String> tags,
        Set<String> media,
        String firstImage,
        Canvas canvas) {}
