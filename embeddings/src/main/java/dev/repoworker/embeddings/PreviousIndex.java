package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * An earlier run's {@code embeddings/} folder, read to be updated: each post's {@link PostHash} (from its index
 * document) and its chunks' vectors (from {@code vectors.f32}, rows matched to posts by {@code chunks.jsonl}).
 * Read only when it was made the same way ({@link IndexMeta#sameMaking}) and its parts agree on the number of chunks;
 * anything else is no previous index, and the run builds from scratch.
 */
final class PreviousIndex {

    private final Map<String, String> hashes;
    private final Map<String, List<float[]>> vectors;

    private PreviousIndex(Map<String, String> hashes, Map<String, List<float[]>> vectors) {
        this.hashes = hashes;
        this.vectors = vectors;
    }

    /** Whether {@code dir} holds an index made like {@code wanted} would be, without reading more than its meta. */
    static boolean matches(Path dir, IndexMeta wanted) {
        try {
            return IndexMeta.read(dir).sameMaking(wanted);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static Optional<PreviousIndex> read(Path dir, IndexMeta wanted) throws IOException {
        IndexMeta meta;
        try {
            meta = IndexMeta.read(dir);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!meta.sameMaking(wanted)) {
            return Optional.empty();
        }
        List<String> rows = rowSlugs(dir.resolve(VectorIndex.CHUNKS_FILE));
        Path vectorsFile = dir.resolve(VectorIndex.VECTORS_FILE);
        if (rows.size() != meta.count() || Files.size(vectorsFile) != (long) meta.count() * meta.dimension() * Float.BYTES) {
            return Optional.empty();
        }
        Map<String, String> hashes = new HashMap<>();
        if (hashes(dir.resolve(VectorIndex.INDEX_DIR), hashes) != meta.count()) {
            return Optional.empty();
        }
        return Optional.of(new PreviousIndex(hashes, vectorsBySlug(vectorsFile, rows, meta.dimension())));
    }

    /** Slugs of the posts that have documents in the index. */
    Set<String> slugs() {
        return hashes.keySet();
    }

    /** The vectors of {@code slug}'s chunks, when the index holds that post made from exactly {@code hash}. */
    Optional<List<float[]>> unchanged(String slug, String hash) {
        return hash.equals(hashes.get(slug)) ? Optional.ofNullable(vectors.get(slug)) : Optional.empty();
    }

    private static List<String> rowSlugs(Path chunksFile) throws IOException {
        List<String> slugs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(chunksFile, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode row = Json.mapper().readTree(line);
                if (row.path("id").asInt(-1) != slugs.size() || !row.path("slug").isTextual()) {
                    throw new IOException(VectorIndex.CHUNKS_FILE + " line " + (slugs.size() + 1) + " is not chunk " + slugs.size());
                }
                slugs.add(row.get("slug").asText());
            }
        }
        return slugs;
    }

    /** Fills slug → hash from the post documents; returns how many chunk vectors the index holds (live documents). */
    private static int hashes(Path indexDir, Map<String, String> hashes) throws IOException {
        try (Directory directory = FSDirectory.open(indexDir); DirectoryReader reader = DirectoryReader.open(directory)) {
            StoredFields stored = reader.storedFields();
            int chunks = 0;
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                chunks += liveDocs(leaf.reader().getFloatVectorValues(VectorIndex.VECTOR), live).size();
                for (int doc : liveDocs(leaf.reader().getFloatVectorValues(VectorIndex.POST_VECTOR), live)) {
                    var fields = stored.document(leaf.docBase + doc, Set.of(VectorIndex.SLUG, VectorIndex.HASH));
                    if (fields.get(VectorIndex.HASH) != null) {
                        hashes.put(fields.get(VectorIndex.SLUG), fields.get(VectorIndex.HASH));
                    }
                }
            }
            return chunks;
        }
    }

    private static List<Integer> liveDocs(FloatVectorValues values, Bits live) throws IOException {
        List<Integer> docs = new ArrayList<>();
        if (values == null) {
            return docs;
        }
        KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            if (live == null || live.get(doc)) {
                docs.add(doc);
            }
        }
        return docs;
    }

    private static Map<String, List<float[]>> vectorsBySlug(Path file, List<String> rows, int dimension) throws IOException {
        Map<String, List<float[]>> bySlug = new HashMap<>();
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            var floats = buffer.asFloatBuffer();
            for (String slug : rows) {
                float[] vector = new float[dimension];
                floats.get(vector);
                bySlug.computeIfAbsent(slug, s -> new ArrayList<>()).add(vector);
            }
        }
        return bySlug;
    }
}
