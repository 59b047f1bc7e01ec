package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Below this share of unchanged posts an update would delete most of the index: building anew costs no more. */
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
        IndexMeta wanted = meta(0, posts.size());
        Files.createDirectories(outDir);
        Path target = outDir.resolve(OUTPUT_DIR);
        Path staging = outDir.resolve("." + OUTPUT_DIR + "-" + UUID.randomUUID());
        Built built;
        try {
            built = buildIndex(staging, earlierIndexes(target, source), wanted, posts, progress);
            publish(staging, target, outDir, posts, progress);
        } finally {
            Folders.deleteRecursively(staging);
        }
        keep(source, target);
        return report(built, posts.size(), wanted, started, progress);
    }

    /** What building the index came to: vectors the model computed, chunks in the index, and whether it was updated. */
    private record Built(int embedded, int chunks, boolean updated) {}

    /** The index being replaced, then the one kept for {@code source}: the candidates for an update. */
    private List<Path> earlierIndexes(Path target, String source) {
        return Stream.concat(
                        Stream.of(target), source == null ? Stream.empty() : kept.flatMap(k -> k.find(source)).stream())
                .toList();
    }

    /** Chunks and embeds the posts an earlier index does not already hold, and writes the index into {@code staging}. */
    private Built buildIndex(
            Path staging, List<Path> earlier, IndexMeta wanted, List<Post> posts, ProgressListener progress)
            throws IOException, InterruptedException {
        Optional<IndexUpdate> update = reuse(earlier, staging, wanted, posts);
        List<Post> changed = update.map(u -> posts.stream()
                        .filter(p -> !u.unchanged().containsKey(p.slug()))
                        .toList())
                .orElse(posts);
        progress.report(new Progress(
                "chunk", 0, changed.size(), "chunking " + changed.size() + " of " + posts.size() + " posts"));
        List<Chunk> chunks = chunk(changed);
        checkInterrupted();
        float[][] chunkVectors = new float[chunks.size()][];
        int embedded = EmbedMissing.fill(embedder, cache, chunks, chunkVectors, progress);

        progress.report(new Progress(
                "index",
                0,
                chunks.size(),
                (update.isPresent() ? "updating the index with " : "indexing ") + chunks.size() + " vectors"));
        int count = writeIndex(staging, posts, update, chunks, chunkVectors);
        checkInterrupted();
        return new Built(embedded, count, update.isPresent());
    }

    /** Updates the copied earlier index, or writes a new one; returns how many chunks it holds. */
    private int writeIndex(
            Path staging, List<Post> posts, Optional<IndexUpdate> update, List<Chunk> chunks, float[][] chunkVectors)
            throws IOException, InterruptedException {
        if (update.isEmpty()) {
            VectorIndex.write(staging, meta(chunks.size(), posts.size()), posts, chunks, chunkVectors);
            return chunks.size();
        }
        IndexRows all = IndexRows.inPostsOrder(posts, update.get().unchanged(), chunks, chunkVectors);
        int count = all.rows().size();
        VectorIndex.update(
                staging,
                meta(count, posts.size()),
                posts,
                all.rows(),
                all.vectors(),
                chunks,
                chunkVectors,
                update.get().replaced());
        return count;
    }

    /** Finds related posts in the staged index, moves it into place and writes {@code related.json} beside it. */
    private static void publish(Path staging, Path target, Path outDir, List<Post> posts, ProgressListener progress)
            throws IOException {
        progress.report(new Progress("related", 0, posts.size(), "finding related posts"));
        Map<String, List<Related.RelatedPost>> related =
                inPostsOrder(posts, Related.compute(staging, Related.DEFAULT_K));
        Folders.deleteRecursively(target);
        Files.move(staging, target);
        Related.write(outDir.resolve(Related.FILE), related);
    }

    private static EmbeddingReport report(
            Built built, int posts, IndexMeta wanted, long started, ProgressListener progress) {
        EmbeddingReport report = new EmbeddingReport(
                posts,
                built.chunks(),
                built.embedded(),
                built.chunks() - built.embedded(),
                wanted.model(),
                wanted.dimension(),
                built.updated() ? EmbeddingReport.UPDATED : EmbeddingReport.BUILT,
                (System.nanoTime() - started) / 1_000_000);
        int count = built.chunks();
        progress.report(
                new Progress("done", count, count, built.embedded() + " embedded, " + report.reused() + " reused"));
        return report;
    }

    private IndexMeta meta(int chunks, int posts) throws IOException, InterruptedException {
        return new IndexMeta(
                embedder.model(),
                embedder.dimension(),
                chunks,
                posts,
                chunker.tokenizer(),
                chunker.maxTokens(),
                chunker.overlap(),
                IndexMeta.VECTORS_FORMAT,
                VectorIndex.FORMAT,
                Instant.now().toString());
    }

    private List<Chunk> chunk(List<Post> posts) {
        List<List<Chunk>> perPost = posts.parallelStream().map(chunker::chunk).toList();
        List<Chunk> chunks = new ArrayList<>();
        perPost.forEach(chunks::addAll);
        return chunks;
    }

    /**
     * Copies the first usable earlier index into {@code staging} and plans its update.
     *
     * @return empty when there is none, or too few posts are unchanged for an update to pay: build from scratch
     */
    private Optional<IndexUpdate> reuse(List<Path> earlier, Path staging, IndexMeta wanted, List<Post> posts)
            throws IOException {
        for (Path dir : earlier) {
            if (!PreviousIndex.matches(dir, wanted)) {
                continue;
            }
            try {
                Folders.link(dir, staging);
                Optional<PreviousIndex> previous = PreviousIndex.read(staging, wanted);
                if (previous.isPresent()) {
                    IndexUpdate update = IndexUpdate.plan(previous.get(), posts);
                    if (update.unchanged().size() >= MIN_REUSE * posts.size()) {
                        return Optional.of(update);
                    }
                }
            } catch (IOException e) {
                LOG.info("an earlier index could not be reused, building anew: {}", e.toString());
            }
            Folders.deleteRecursively(staging);
        }
        return Optional.empty();
    }

    private static Map<String, List<Related.RelatedPost>> inPostsOrder(
            List<Post> posts, Map<String, List<Related.RelatedPost>> related) {
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
