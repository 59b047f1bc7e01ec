package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * document), its chunks' rows ({@code chunks.jsonl}) and their vectors ({@code vectors.f32}).
 * Read only when it was made the same way ({@link IndexMeta#sameMaking}) and its parts agree on the number of chunks;
 * anything else is no previous index, and the run builds from scratch.
 */
final class PreviousIndex {

    /** An unchanged post's chunks, as the earlier run stored them. */
    record Kept(List<ChunkRow> rows, List<float[]> vectors) {}

    private final Map<String, String> hashes;
    private final Map<String, Kept> posts;

    private PreviousIndex(Map<String, String> hashes, Map<String, Kept> posts) {
        this.hashes = hashes;
        this.posts = posts;
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
        List<ChunkRow> rows = rows(dir.resolve(VectorIndex.CHUNKS_FILE));
        Path vectorsFile = dir.resolve(VectorIndex.VECTORS_FILE);
        if (rows.size() != meta.count()
                || Files.size(vectorsFile) != (long) meta.count() * meta.dimension() * Float.BYTES) {
            return Optional.empty();
        }
        Map<String, String> hashes = new HashMap<>();
        if (hashes(dir.resolve(VectorIndex.INDEX_DIR), hashes) != meta.count()) {
            return Optional.empty();
        }
        return Optional.of(new PreviousIndex(hashes, bySlug(vectorsFile, rows, meta.dimension())));
    }

    /** Slugs of the posts that have documents in the index. */
    Set<String> slugs() {
        return hashes.keySet();
    }

    /** {@code slug}'s chunks, when the index holds that post made from exactly {@code hash}. */
    Optional<Kept> unchanged(String slug, String hash) {
        return hash.equals(hashes.get(slug)) ? Optional.ofNullable(posts.get(slug)) : Optional.empty();
    }

    private static List<ChunkRow> rows(Path chunksFile) throws IOException {
        List<ChunkRow> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(chunksFile, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode row = Json.mapper().readTree(line);
                if (row.path("id").asInt(-1) != rows.size() || !row.path("slug").isTextual()) {
                    throw new IOException(
                            VectorIndex.CHUNKS_FILE + " line " + (rows.size() + 1) + " is not chunk " + rows.size());
                }
                List<String> headingPath = new ArrayList<>();
                row.path("headingPath").forEach(heading -> headingPath.add(heading.asText()));
                rows.add(new ChunkRow(
                        row.get("slug").asText(),
                        headingPath,
                        row.path("anchor").asText(""),
                        row.path("start").asInt(),
                        row.path("end").asInt()));
            }
        }
        return rows;
    }

    /** Fills slug → hash from the post documents; returns how many chunk vectors the index holds (live documents). */
    private static int hashes(Path indexDir, Map<String, String> hashes) throws IOException {
        try (Directory directory = FSDirectory.open(indexDir);
                DirectoryReader reader = DirectoryReader.open(directory)) {
            StoredFields stored = reader.storedFields();
            int chunks = 0;
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                chunks += liveDocs(leaf.reader().getFloatVectorValues(VectorIndex.VECTOR), live)
                        .size();
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

    private static Map<String, Kept> bySlug(Path file, List<ChunkRow> rows, int dimension) throws IOException {
        Map<String, Kept> bySlug = new HashMap<>();
        try (FileChannel channel = FileChannel.open(file)) {
            FloatBuffer floats = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            for (ChunkRow row : rows) {
                float[] vector = new float[dimension];
                floats.get(vector);
                Kept kept = bySlug.computeIfAbsent(row.slug(), s -> new Kept(new ArrayList<>(), new ArrayList<>()));
                kept.rows().add(row);
                kept.vectors().add(vector);
            }
        }
        return bySlug;
    }
}
