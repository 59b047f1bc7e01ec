package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Embedder;
import java.util.List;
import java.util.Random;

/** Vectors from the text's hash: enough for the index, related posts and the cache, without a model. */
final class HashEmbedder implements Embedder {
    @Override
    public String model() {
        return "test-hash";
    }

    @Override
    public int dimension() {
        return 8;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            Random random = new Random(texts.get(i).hashCode());
            vectors[i] = new float[8];
            for (int d = 0; d < 8; d++) {
                vectors[i][d] = random.nextFloat() - 0.5f;
            }
        }
        return vectors;
    }
}
