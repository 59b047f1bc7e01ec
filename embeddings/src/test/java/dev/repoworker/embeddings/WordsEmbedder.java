package dev.repoworker.embeddings;

import java.util.List;
import java.util.Locale;

/** A deterministic stand-in for a model: each word adds to one of 64 dimensions, so texts sharing words are close. */
record WordsEmbedder(String model) implements Embedder {

    static final int DIMENSION = 64;

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < vectors.length; i++) {
            float[] vector = new float[DIMENSION];
            vector[0] = 0.01f;
            for (String word : texts.get(i).toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                if (!word.isEmpty()) {
                    vector[Math.floorMod(word.hashCode(), DIMENSION)] += 1;
                }
            }
            vectors[i] = vector;
        }
        return vectors;
    }
}
