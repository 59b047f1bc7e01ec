package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole computation, shared by the {@code compute-embeddings} task, pipelines and the local
 * command: {@code posts.json} → chunks → vectors (an earlier index's, the cache's, the model for the
 * rest, in batches) → {@code embeddings/} (vectors, chunks, meta, HNSW index) and {@code related.json}.
 * When an earlier {@code embeddings/} made the same way is at hand (the one being replaced, or the one
 * kept for the same source), a copy of its index is updated: only changed, added and removed posts'
 * documents are rewritten, the HNSW graph of the rest is kept.
 */
public final class ComputeEmbeddings {

    public static final String OUTPUT_DIR = "embeddings";

    private static final Logger LOG = LoggerFactory.getLogger(ComputeEmbeddings.class);
    /** Below this share of reusable chunks an update would delete most of the index: building anew costs no more. */
    private static final double MIN_REUSE = 0.5;

    private final Embedder embedder;
    private final EmbeddingCache cache;
    private final Chunker chunker;
    private final Optional<KeptIndexes> kept;

    public ComputeEmbeddings(Embedder embedder, EmbeddingCache cache) {
        this(embedder, cache, new Chunker(), null);
    }

    public ComputeEmbeddings(Embedder embedder, EmbeddingCache cache, Chunker chunker) {
        this(embedder, cache, chunker, null);
    }

    /** @param kept where the last index of each source is kept for the next run (null: only the one being replaced is updated) */
    public ComputeEmbeddings(Embedder embedder, EmbeddingCache cache, Chunker chunker, KeptIndexes kept) {
        this.embedder = embedder;
        this.cache = cache;
        this.chunker = chunker;
        this.kept = Optional.ofNullable(kept);
    }

    public Embedder embedder() {
        return embedder;
    }

    /** {@link #computeEmbeddings(Path, Path, String, ProgressListener)} with no source: no kept index is used. */
    public EmbeddingReport computeEmbeddings(Path buildDir, Path outDir, ProgressListener progress)
            throws IOException, InterruptedException {
        return computeEmbeddings(buildDir, outDir, null, progress);
    }

    /**
     * Reads {@code buildDir/posts.json} and writes {@code outDir/embeddings/} and
     * {@code outDir/related.json}, replacing earlier ones ({@code outDir} may be {@code buildDir}).
     * The new folder is built aside and moved into place, so readers never see half of it.
     *
     * @param source what the posts come from (e.g. a repository), naming the kept index to update; null for none
     * @throws java.nio.file.NoSuchFileException when there is no {@code posts.json}
     * @throws InterruptedException when the thread is interrupted (checked between batches)
     */
    public EmbeddingReport computeEmbeddings(Path buildDir, Path outDir, String source, ProgressListener progress)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<Post> posts = PostsFile.read(buildDir.resolve(PostsFile.NAME));
        progress.report(new Progress("chunk", 0, posts.size(), "chunking " + posts.size() + " posts"));
        List<Chunk> chunks = chunk(posts);
        checkInterrupted();

        IndexMeta meta = new IndexMeta(embedder.model(), embedder.dimension(), chunks.size(), posts.size(), chunker.tokenizer(),
                chunker.maxTokens(), chunker.overlap(), IndexMeta.VECTORS_FORMAT, VectorIndex.FORMAT, Instant.now().toString());
        float[][] vectors = new float[chunks.size()][];
        Files.createDirectories(outDir);
        Path target = outDir.resolve(OUTPUT_DIR);
        Path staging = outDir.resolve("." + OUTPUT_DIR + "-" + UUID.randomUUID());
        int embedded;
        Optional<Set<String>> replaced;
        try {
            List<Path> earlier = Stream.concat(Stream.of(target),
                    source == null ? Stream.empty() : kept.flatMap(k -> k.find(source)).stream()).toList();
            replaced = reuse(earlier, staging, meta, posts, chunks, vectors);
            embedded = EmbedMissing.fill(embedder, cache, chunks, vectors, progress);

            progress.report(new Progress("index", 0, chunks.size(), (replaced.isPresent() ? "updating " : "indexing ")
                    + chunks.size() + " vectors"));
            if (replaced.isPresent()) {
                VectorIndex.update(staging, meta, posts, chunks, vectors, replaced.get());
            } else {
                VectorIndex.write(staging, meta, posts, chunks, vectors);
            }
            checkInterrupted();
            progress.report(new Progress("related", 0, posts.size(), "finding related posts"));
            Map<String, List<Related.RelatedPost>> related = inPostsOrder(posts, Related.compute(staging, Related.DEFAULT_K));
            Folders.deleteRecursively(target);
            Files.move(staging, target);
            Related.write(outDir.resolve(Related.FILE), related);
        } finally {
            Folders.deleteRecursively(staging);
        }
        keep(source, target);
        EmbeddingReport report = new EmbeddingReport(posts.size(), chunks.size(), embedded, chunks.size() - embedded,
                meta.model(), meta.dimension(), replaced.isPresent() ? EmbeddingReport.UPDATED : EmbeddingReport.BUILT,
                (System.nanoTime() - started) / 1_000_000);
        progress.report(new Progress("done", chunks.size(), chunks.size(), embedded + " embedded, " + report.reused() + " reused"));
        return report;
    }

    private List<Chunk> chunk(List<Post> posts) {
        List<List<Chunk>> perPost = posts.parallelStream().map(chunker::chunk).toList();
        List<Chunk> chunks = new ArrayList<>();
        perPost.forEach(chunks::addAll);
        return chunks;
    }

    /**
     * Copies the first usable earlier index into {@code staging} and takes the vectors of its unchanged posts.
     *
     * @return the slugs whose documents must be rewritten (changed, added, removed), or empty: build from scratch
     */
    private Optional<Set<String>> reuse(List<Path> earlier, Path staging, IndexMeta meta, List<Post> posts, List<Chunk> chunks,
                                        float[][] vectors) throws IOException {
        for (Path dir : earlier) {
            if (!PreviousIndex.matches(dir, meta)) {
                continue;
            }
            try {
                Folders.link(dir, staging);
                Optional<PreviousIndex> previous = PreviousIndex.read(staging, meta);
                if (previous.isPresent()) {
                    Set<String> replaced = takeUnchanged(previous.get(), posts, chunks, vectors);
                    if (replaced != null) {
                        return Optional.of(replaced);
                    }
                }
            } catch (IOException e) {
                LOG.info("an earlier index could not be reused, building anew: {}", e.toString());
            }
            Arrays.fill(vectors, null);
            Folders.deleteRecursively(staging);
        }
        return Optional.empty();
    }

    /** Fills the vectors of unchanged posts; null when too few are unchanged for an update to pay. */
    private static Set<String> takeUnchanged(PreviousIndex previous, List<Post> posts, List<Chunk> chunks, float[][] vectors) {
        Map<String, List<Chunk>> bySlug = PostHash.group(chunks);
        Set<String> replaced = new HashSet<>(previous.slugs());
        int at = 0;
        int reused = 0;
        for (Post post : posts) {
            List<Chunk> own = bySlug.getOrDefault(post.slug(), List.of());
            Optional<List<float[]>> unchanged = previous.unchanged(post.slug(), PostHash.of(post, own));
            if (unchanged.isPresent() && unchanged.get().size() == own.size()) {
                for (int i = 0; i < own.size(); i++) {
                    vectors[at + i] = unchanged.get().get(i);
                }
                replaced.remove(post.slug());
                reused += own.size();
            } else {
                replaced.add(post.slug());
            }
            at += own.size();
        }
        return reused >= MIN_REUSE * chunks.size() ? replaced : null;
    }

    private static Map<String, List<Related.RelatedPost>> inPostsOrder(List<Post> posts, Map<String, List<Related.RelatedPost>> related) {
        Map<String, List<Related.RelatedPost>> ordered = new LinkedHashMap<>();
        for (Post post : posts) {
            List<Related.RelatedPost> list = related.get(post.slug());
            if (list != null) {
                ordered.put(post.slug(), list);
            }
        }
        return ordered;
    }

    private void keep(String source, Path target) {
        if (source == null || kept.isEmpty()) {
            return;
        }
        try {
            kept.get().keep(source, target);
        } catch (IOException e) {
            LOG.warn("the index could not be kept for the next run: {}", e.toString());
        }
    }

    static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("embedding was cancelled");
        }
    }
}
