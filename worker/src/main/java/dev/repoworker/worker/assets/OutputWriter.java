package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.repoworker.embeddings.Post;
import dev.repoworker.protocol.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Writes the build's JSON files; everything sorted, nothing time-of-build inside, so output is reproducible. */
final class OutputWriter {

    record Written(int files, long bytes) {}

    @JsonPropertyOrder({"path", "hash", "kind", "size", "width", "height", "refused", "original", "variants"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MediaEntry(
            String path,
            String hash,
            String kind,
            long size,
            Integer width,
            Integer height,
            String refused,
            String original,
            List<MediaFile.Variant> variants) {}

    @JsonPropertyOrder({"id", "type", "label", "url"})
    record GraphNode(String id, String type, String label, String url) {}

    @JsonPropertyOrder({"source", "target", "type"})
    record GraphLink(String source, String target, String type) {}

    @JsonPropertyOrder({"nodes", "links"})
    record Graph(List<GraphNode> nodes, List<GraphLink> links) {}

    private OutputWriter() {}

    static Written write(
            Path out,
            List<Post> posts,
            List<Rendered> rendered,
            List<Note> notes,
            List<MediaFile> media,
            List<Issue> issues,
            int threads)
            throws IOException, InterruptedException {
        ObjectWriter json = Json.mapper().writer();
        writePosts(out, posts, json, threads);
        Files.write(
                out.resolve("posts-index.json"),
                json.writeValueAsBytes(posts.stream().map(Post::indexEntry).toList()));
        List<MediaEntry> mediaEntries = media.stream()
                .sorted(Comparator.comparing(MediaFile::path))
                .map(m -> new MediaEntry(
                        m.path(),
                        m.hash(),
                        m.kind().name().toLowerCase(java.util.Locale.ROOT),
                        m.size(),
                        m.width() > 0 ? m.width() : null,
                        m.height() > 0 ? m.height() : null,
                        m.refused().orElse(null),
                        m.original().orElse(null),
                        m.variants()))
                .toList();
        Files.write(out.resolve("medias.json"), json.writeValueAsBytes(mediaEntries));
        Files.write(out.resolve("graph.json"), json.writeValueAsBytes(graph(posts, rendered, notes, media)));
        Files.write(out.resolve("issues.json"), json.withDefaultPrettyPrinter().writeValueAsBytes(issues));
        int files = 0;
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) {
                    files++;
                    bytes += Files.size(p);
                }
            }
        }
        return new Written(files, bytes);
    }

    /**
     * posts/{slug}.json and posts.json (the same bytes, in one array) streamed to disk: each post is serialised once,
     * a batch at a time on {@code threads} threads, and appended in order, so no file is ever whole in memory.
     */
    private static void writePosts(Path out, List<Post> posts, ObjectWriter json, int threads)
            throws IOException, InterruptedException {
        Path postDir = Files.createDirectories(out.resolve("posts"));
        byte[][] batch = new byte[POSTS_PER_BATCH][];
        try (OutputStream all = new BufferedOutputStream(Files.newOutputStream(out.resolve("posts.json")), 1 << 16)) {
            all.write('[');
            for (int from = 0; from < posts.size(); from += POSTS_PER_BATCH) {
                int start = from;
                int size = Math.min(POSTS_PER_BATCH, posts.size() - from);
                Parallel.forEach(size, threads, "write-posts", i -> {
                    Post post = posts.get(start + i);
                    batch[i] = json.writeValueAsBytes(post);
                    Files.write(postDir.resolve(post.slug() + ".json"), batch[i]);
                });
                for (int i = 0; i < size; i++) {
                    if (start + i > 0) {
                        all.write(',');
                    }
                    all.write(batch[i]);
                }
            }
            all.write(']');
        }
    }

    private static final int POSTS_PER_BATCH = 256;

    private static Graph graph(List<Post> posts, List<Rendered> rendered, List<Note> notes, List<MediaFile> media) {
        List<GraphNode> nodes = new ArrayList<>();
        posts.forEach(p -> nodes.add(new GraphNode("post:" + p.slug(), "post", p.title(), p.url())));
        Map<String, MediaFile> byHash = new TreeMap<>();
        media.forEach(m -> byHash.putIfAbsent(m.hash(), m));
        Map<String, String> slugOf = new HashMap<>();
        TreeSet<String> usedMedia = new TreeSet<>();
        List<GraphLink> links = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            String from = "post:" + notes.get(i).slug();
            Rendered r = rendered.get(i);
            new TreeSet<>(r.links()).forEach(t -> links.add(new GraphLink(from, "post:" + t, "link")));
            new TreeSet<>(r.embeds()).forEach(t -> links.add(new GraphLink(from, "post:" + t, "embed")));
            for (String hash : new TreeSet<>(r.media())) {
                usedMedia.add(hash);
                links.add(new GraphLink(from, "media:" + hash, "media"));
            }
            slugOf.put(notes.get(i).path(), notes.get(i).slug());
        }
        for (MediaFile m : byHash.values()) {
            nodes.add(new GraphNode(
                    "media:" + m.hash(), "media", m.path(), MediaHtml.url(m).orElse(null)));
        }
        links.sort(Comparator.comparing(GraphLink::source)
                .thenComparing(GraphLink::target)
                .thenComparing(GraphLink::type));
        return new Graph(nodes, links.stream().distinct().toList());
    }
}
