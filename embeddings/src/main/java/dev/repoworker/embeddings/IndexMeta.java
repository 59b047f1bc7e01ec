package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code embeddings/meta.json}: what produced the vectors, so queries use the same model.
 *
 * @param count     chunks (rows of {@code vectors.f32}, lines of {@code chunks.jsonl})
 * @param tokenizer what measured the chunk budget ({@code wordpiece:all-minilm-l6-v2} or {@code approximate})
 * @param index     the layout of {@code index/} ({@link VectorIndex#FORMAT}); absent in folders written before it existed
 */
public record IndexMeta(
        String model,
        int dimension,
        int count,
        int posts,
        String tokenizer,
        int maxTokens,
        int overlap,
        String vectors,
        String index,
        String createdAt) {

    public static final String FILE = "meta.json";
    public static final String VECTORS_FORMAT = "float32 little-endian, row-major, L2-normalised";

    public static IndexMeta read(Path embeddingsDir) throws IOException {
        Path file = embeddingsDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(FILE);
        }
        JsonNode node = Json.mapper().readTree(file.toFile());
        if (!node.path("model").isTextual() || node.path("dimension").asInt() <= 0) {
            throw new IOException(FILE + " has no model or dimension");
        }
        return Json.mapper().treeToValue(node, IndexMeta.class);
    }

    /** True when an index with this meta can be updated in place of one built with {@code other}: same vectors, same chunks. */
    boolean sameMaking(IndexMeta other) {
        return making().equals(other.making());
    }

    private Making making() {
        return new Making(model, dimension, tokenizer, maxTokens, overlap, vectors, index);
    }

    /** What decides a meta's vectors and chunks (not how many there are, nor when they were made). */
    private record Making(
            String model,
            int dimension,
            String chunkTokenizer,
            int maxTokens,
            int overlap,
            String vectors,
            String index) {}
}
