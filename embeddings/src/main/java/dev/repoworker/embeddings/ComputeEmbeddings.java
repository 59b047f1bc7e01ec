package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
        int embedded;
        int count;
        Optional<Update> update;
        try {
            List<Path> earlier = Stream.concat(
                            Stream.of(target),
                            source == null ? Stream.empty() : kept.flatMap(k -> k.find(source)).stream())
                    .toList();
            update = reuse(earlier, staging, wanted, posts);
            List<Post> changed = update.map(u -> posts.stream()
                            .filter(p -> !u.unchanged().containsKey(p.slug()))
                            .toList())
                    .orElse(posts);
            progress.report(new Progress(
                    "chunk", 0, changed.size(), "chunking " + changed.size() + " of " + posts.size() + " posts"));
            List<Chunk> chunks = chunk(changed);
            checkInterrupted();
            float[][] chunkVectors = new float[chunks.size()][];
            embedded = EmbedMissing.fill(embedder, cache, chunks, chunkVectors, progress);

            progress.report(new Progress(
                    "index",
                    0,
                    chunks.size(),
                    (update.isPresent() ? "updating the index with " : "indexing ") + chunks.size() + " vectors"));
            if (update.isPresent()) {
                Rows all = Rows.inPostsOrder(posts, update.get().unchanged(), chunks, chunkVectors);
                count = all.rows().size();
                VectorIndex.update(
                        staging,
                        meta(count, posts.size()),
                        posts,
                        all.rows(),
                        all.vectors(),
                        chunks,
                        chunkVectors,
                        update.get().replaced());
            } else {
                count = chunks.size();
                VectorIndex.write(staging, meta(count, posts.size()), posts, chunks, chunkVectors);
            }
            checkInterrupted();
            progress.report(new Progress("related", 0, posts.size(), "finding related posts"));
            Map<String, List<Related.RelatedPost>> related =
                    inPostsOrder(posts, Related.compute(staging, Related.DEFAULT_K));
            Folders.deleteRecursively(target);
            Files.move(staging, target);
            Related.write(outDir.resolve(Related.FILE), related);
        } finally {
            Folders.deleteRecursively(staging);
        }
        keep(source, target);
        EmbeddingReport report = new EmbeddingReport(
                posts.size(),
                count,
                embedded,
                count - embedded,
                wanted.model(),
                wanted.dimension(),
                update.isPresent() ? EmbeddingReport.UPDATED : EmbeddingReport.BUILT,
                (System.nanoTime() - started) / 1_000_000);
        progress.report(new Progress("done", count, count, embedded + " embedded, " + report.reused() + " reused"));
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

    /** What an update keeps (unchanged posts, by slug) and rewrites (changed, added and removed posts). */
    private record Update(Map<String, PreviousIndex.Kept> unchanged, Set<String> replaced) {

        static Update plan(PreviousIndex previous, List<Post> posts) {
            Map<String, PreviousIndex.Kept> unchanged = new HashMap<>();
            Set<String> replaced = new HashSet<>(previous.slugs());
            for (Post post : posts) {
                Optional<PreviousIndex.Kept> kept = previous.unchanged(post.slug(), PostHash.of(post));
                if (kept.isPresent()) {
                    unchanged.put(post.slug(), kept.get());
                    replaced.remove(post.slug());
                } else {
                    replaced.add(post.slug());
                }
            }
            return new Update(unchanged, replaced);
        }
    }

    /** Every chunk's row and vector, in posts order: kept ones from the earlier index, the rest from this run. */
    private record Rows(List<ChunkRow> rows, float[][] vectors) {

        static Rows inPostsOrder(
                List<Post> posts, Map<String, PreviousIndex.Kept> unchanged, List<Chunk> chunks, float[][] vectors) {
            Map<String, List<Integer>> fresh = new HashMap<>();
            for (int i = 0; i < chunks.size(); i++) {
                fresh.computeIfAbsent(chunks.get(i).slug(), s -> new ArrayList<>())
                        .add(i);
            }
            List<ChunkRow> rows = new ArrayList<>();
            List<float[]> all = new ArrayList<>();
            for (Post post : posts) {
                PreviousIndex.Kept kept = unchanged.get(post.slug());
                if (kept != null) {
                    rows.addAll(kept.rows());
                    all.addAll(kept.vectors());
                    continue;
                }
                for (int i : fresh.getOrDefault(post.slug(), List.of())) {
                    rows.add(ChunkRow.of(chunks.get(i)));
                    all.add(vectors[i]);
                }
            }
            return new Rows(rows, all.toArray(float[][]::new));
        }
    }

    /**
     * Copies the first usable earlier index into {@code staging} and plans its update.
     *
     * @return empty when there is none, or too few posts are unchanged for an update to pay: build from scratch
     */
    private Optional<Update> reuse(List<Path> earlier, Path staging, IndexMeta wanted, List<Post> posts)
            throws IOException {
        for (Path dir : earlier) {
            if (!PreviousIndex.matches(dir, wanted)) {
                continue;
            }
            try {
                Folders.link(dir, staging);
                Optional<PreviousIndex> previous = PreviousIndex.read(staging, wanted);
                if (previous.isPresent()) {
                    Update update = Update.plan(previous.get(), posts);
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
