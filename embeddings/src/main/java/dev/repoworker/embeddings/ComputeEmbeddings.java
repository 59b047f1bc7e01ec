package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole computation, shared by the {@code compute-embeddings} task, pipelines and the local
 * command: {@code posts.json} → chunks → vectors (cache first, the model for the rest, in batches)
 * → {@code embeddings/} (vectors, chunks, meta, HNSW index) and {@code related.json}.
 */
public final class ComputeEmbeddings {

    public static final String OUTPUT_DIR = "embeddings";

    private final Embedder embedder;
    private final EmbeddingCache cache;
    private final Chunker chunker;

    public ComputeEmbeddings(Embedder embedder, EmbeddingCache cache) {
        this(embedder, cache, new Chunker());
    }

    public ComputeEmbeddings(Embedder embedder, EmbeddingCache cache, Chunker chunker) {
        this.embedder = embedder;
        this.cache = cache;
        this.chunker = chunker;
    }

    public Embedder embedder() {
        return embedder;
    }

    /**
     * Reads {@code buildDir/posts.json} and writes {@code outDir/embeddings/} and
     * {@code outDir/related.json}, replacing earlier ones ({@code outDir} may be {@code buildDir}).
     * The new folder is built aside and moved into place, so readers never see half of it.
     *
     * @throws java.nio.file.NoSuchFileException when there is no {@code posts.json}
     * @throws InterruptedException when the thread is interrupted (checked between batches)
     */
    public EmbeddingReport computeEmbeddings(Path buildDir, Path outDir, ProgressListener progress)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<Post> posts = PostsFile.read(buildDir.resolve(PostsFile.NAME));
        progress.report(new Progress("chunk", 0, posts.size(), "chunking " + posts.size() + " posts"));
        List<Chunk> chunks = chunk(posts);
        checkInterrupted();

        String model = embedder.model();
        float[][] vectors = new float[chunks.size()][];
        Map<String, List<Integer>> missing = new HashMap<>(); // sha → chunk indexes needing it
        List<String> missingOrder = new ArrayList<>();
        int dimension = embedder.dimension();
        for (int i = 0; i < chunks.size(); i++) {
            String sha = EmbeddingCache.sha256(chunks.get(i).text());
            List<Integer> waiting = missing.get(sha);
            if (waiting != null) {
                waiting.add(i);
                continue;
            }
            float[] cached = cache.get(model, sha, dimension).orElse(null);
            if (cached != null) {
                vectors[i] = cached;
            } else {
                missing.computeIfAbsent(sha, s -> new ArrayList<>()).add(i);
                missingOrder.add(sha);
            }
        }
        embedMissing(chunks, vectors, missing, missingOrder, progress);

        progress.report(new Progress("index", 0, chunks.size(), "indexing " + chunks.size() + " vectors"));
        Files.createDirectories(outDir);
        Path staging = outDir.resolve("." + OUTPUT_DIR + "-" + UUID.randomUUID());
        try {
            IndexMeta meta = new IndexMeta(model, dimension, chunks.size(), posts.size(), chunker.tokenizer(),
                    chunker.maxTokens(), chunker.overlap(), IndexMeta.VECTORS_FORMAT, Instant.now().toString());
            VectorIndex.write(staging, meta, posts, chunks, vectors);
            checkInterrupted();
            progress.report(new Progress("related", 0, posts.size(), "finding related posts"));
            Map<String, List<Related.RelatedPost>> related = Related.compute(staging, Related.DEFAULT_K);
            Path target = outDir.resolve(OUTPUT_DIR);
            deleteRecursively(target);
            Files.move(staging, target);
            Related.write(outDir.resolve(Related.FILE), related);
        } finally {
            deleteRecursively(staging);
        }
        int embedded = missingOrder.size();
        EmbeddingReport report = new EmbeddingReport(posts.size(), chunks.size(), embedded, chunks.size() - embedded, model,
                dimension, (System.nanoTime() - started) / 1_000_000);
        progress.report(new Progress("done", chunks.size(), chunks.size(), embedded + " embedded, " + report.reused() + " reused"));
        return report;
    }

    private List<Chunk> chunk(List<Post> posts) {
        List<List<Chunk>> perPost = posts.parallelStream().map(chunker::chunk).toList();
        List<Chunk> chunks = new ArrayList<>();
        perPost.forEach(chunks::addAll);
        return chunks;
    }

    private void embedMissing(List<Chunk> chunks, float[][] vectors, Map<String, List<Integer>> missing,
                              List<String> order, ProgressListener progress) throws IOException, InterruptedException {
        int batch = Math.max(1, embedder.batchSize());
        int total = order.size();
        progress.report(new Progress("embed", 0, total, total + " of " + chunks.size() + " chunks to embed"));
        for (int from = 0; from < total; from += batch) {
            checkInterrupted();
            List<String> shas = order.subList(from, Math.min(total, from + batch));
            List<String> texts = new ArrayList<>(shas.size());
            for (String sha : shas) {
                texts.add(chunks.get(missing.get(sha).get(0)).text());
            }
            float[][] embedded = embedder.embed(texts);
            for (int j = 0; j < shas.size(); j++) {
                cache.put(embedder.model(), shas.get(j), embedded[j]);
                for (int index : missing.get(shas.get(j))) {
                    vectors[index] = embedded[j].clone();
                }
            }
            progress.report(new Progress("embed", from + shas.size(), total, "embedded " + (from + shas.size()) + " of " + total));
        }
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("embedding was cancelled");
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
