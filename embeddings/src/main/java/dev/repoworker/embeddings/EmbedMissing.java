package dev.repoworker.embeddings;

import dev.repoworker.protocol.Progress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Fills the vectors still missing: from the content cache, else from the model in batches (each distinct text once). */
final class EmbedMissing {

    private EmbedMissing() {}

    /** @return how many texts the model embedded */
    static int fill(
            Embedder embedder, EmbeddingCache cache, List<Chunk> chunks, float[][] vectors, ProgressListener progress)
            throws IOException, InterruptedException {
        String model = embedder.model();
        int dimension = embedder.dimension();
        Map<String, List<Integer>> missing = new HashMap<>(); // sha → chunk indexes needing it
        List<String> order = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (vectors[i] != null) {
                continue;
            }
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
                order.add(sha);
            }
        }
        embed(embedder, cache, chunks, vectors, missing, order, progress);
        return order.size();
    }

    private static void embed(
            Embedder embedder,
            EmbeddingCache cache,
            List<Chunk> chunks,
            float[][] vectors,
            Map<String, List<Integer>> missing,
            List<String> order,
            ProgressListener progress)
            throws IOException, InterruptedException {
        int total = order.size();
        progress.report(new Progress("embed", 0, total, total + " of " + chunks.size() + " chunks to embed"));
        if (total == 0) {
            return; // every vector was cached: asking the batch size would load the local model for nothing
        }
        int batch = Math.max(1, embedder.batchSize());
        for (int from = 0; from < total; from += batch) {
            ComputeEmbeddings.checkInterrupted();
            List<String> shas = order.subList(from, Math.min(total, from + batch));
            List<String> texts = new ArrayList<>(shas.size());
            for (String sha : shas) {
                texts.add(chunks.get(missing.get(sha).get(0)).text());
            }
            float[][] embedded = embedder.embed(texts);
            for (int j = 0; j < shas.size(); j++) {
                cache.put(embedder.model(), shas.get(j), embedded[j]);
                List<Integer> indexes = missing.get(shas.get(j));
                for (int k = 0; k < indexes.size(); k++) {
                    vectors[indexes.get(k)] =
                            k == 0 ? embedded[j] : embedded[j].clone(); // each row is normalised in place
                }
            }
            progress.report(new Progress(
                    "embed", from + shas.size(), total, "embedded " + (from + shas.size()) + " of " + total));
        }
    }
}
