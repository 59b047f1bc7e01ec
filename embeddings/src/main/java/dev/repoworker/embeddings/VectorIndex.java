package dev.repoworker.embeddings;

import dev.repoworker.protocol.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Writes an {@code embeddings/} folder: {@code vectors.f32} (L2-normalised float32, little-endian,
 * row-major; row i is chunk i), {@code chunks.jsonl}, {@code meta.json}, and {@code index/}: a Lucene
 * index with one document per chunk (HNSW {@code vector}, dot product of unit vectors = cosine; BM25
 * {@code text}) and one per post (HNSW {@code postVector}: the normalised mean of its chunks, used for
 * related posts; {@code hash}: what its documents were made from, see {@link PostHash}).
 */
public final class VectorIndex {

    public static final String INDEX_DIR = "index";
    public static final String VECTORS_FILE = "vectors.f32";
    public static final String CHUNKS_FILE = "chunks.jsonl";

    static final String TYPE = "type";
    static final String CHUNK = "chunk";
    static final String POST = "post";
    static final String SLUG = "slug";
    static final String TITLE = "title";
    static final String URL = "url";
    static final String HEADING = "heading";
    static final String ANCHOR = "anchor";
    static final String TEXT = "text";
    static final String BODY = "body";
    static final String HASH = "hash";
    static final String VECTOR = "vector";
    static final String POST_VECTOR = "postVector";

    /** HNSW graph degree (Lucene's default). */
    static final int MAX_CONNECTIONS = 16;
    /** Candidates kept while inserting into the graph (Lucene's default is 100); see docs/performance.md, issue 14. */
    static final int BEAM_WIDTH = 48;
    /** Every vector is unit length, so the dot product is the cosine, without the norms cosine would recompute. */
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;
    /**
     * Enough for each indexing thread to keep its share of a 100,000-chunk vault in one segment (a flush would start a new
     * graph, and merging graphs inserts the vectors again), within a quarter of the heap.
     */
    private static final double RAM_BUFFER_MB =
            Math.min(1024, Runtime.getRuntime().maxMemory() / 4.0 / (1 << 20));

    /**
     * Names what {@code index/} holds and how ({@link IndexMeta#index}); an earlier index is only updated in place when
     * it names the same. Change it with any change to the documents, fields, similarity or vector format.
     */
    public static final String FORMAT = "lucene104 hnsw(16,48) dot-product float32; chunk and post documents v3";

    /** The default codec with our HNSW parameters; readers need nothing special (format names are standard). */
    private static final Codec CODEC = new Lucene104Codec() {
        private final KnnVectorsFormat vectors = new Lucene99HnswVectorsFormat(MAX_CONNECTIONS, BEAM_WIDTH);

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return vectors;
        }
    };

    private VectorIndex() {}

    /** Writes everything into {@code dir} (created; expected empty). {@code vectors} are normalised in place. */
    public static void write(Path dir, IndexMeta meta, List<Post> posts, List<Chunk> chunks, float[][] vectors)
            throws IOException {
        checkSizes(chunks.size(), vectors);
        Files.createDirectories(dir);
        for (float[] vector : vectors) {
            normalizeOrMark(vector);
        }
        writeLucene(
                dir.resolve(INDEX_DIR),
                IndexWriterConfig.OpenMode.CREATE,
                Set.copyOf(slugs(posts)),
                posts,
                chunks,
                vectors,
                meta.dimension());
        writeFiles(dir, meta, chunks.stream().map(ChunkRow::of).toList(), vectors);
    }

    /**
     * Brings the index that {@code dir/index} holds (a copy of an earlier run's, made the same way: {@link IndexMeta#sameMaking})
     * up to date: the documents of the posts named in {@code replaced} (changed, added or removed ones) are deleted, and
     * {@code chunks} (all chunks of the changed and added posts) are written with their posts' documents; every other
     * document stays, with its HNSW graph. {@code vectors.f32}, {@code chunks.jsonl} and {@code meta.json} are written
     * whole from {@code rows} and {@code vectors} (every chunk, in posts order), as {@link #write} would write them.
     *
     * @param chunkVectors the vectors of {@code chunks}, normalised here in place (the same arrays are among {@code vectors};
     *                     the others come from the earlier run, normalised already)
     */
    static void update(
            Path dir,
            IndexMeta meta,
            List<Post> posts,
            List<ChunkRow> rows,
            float[][] vectors,
            List<Chunk> chunks,
            float[][] chunkVectors,
            Set<String> replaced)
            throws IOException {
        checkSizes(rows.size(), vectors);
        checkSizes(chunks.size(), chunkVectors);
        for (float[] vector : chunkVectors) {
            normalizeOrMark(vector);
        }
        writeLucene(
                dir.resolve(INDEX_DIR),
                IndexWriterConfig.OpenMode.APPEND,
                replaced,
                posts,
                chunks,
                chunkVectors,
                meta.dimension());
        writeFiles(dir, meta, rows, vectors);
    }

    private static void checkSizes(int chunks, float[][] vectors) {
        if (chunks != vectors.length) {
            throw new IllegalArgumentException(chunks + " chunks but " + vectors.length + " vectors");
        }
    }

    private static void normalizeOrMark(float[] vector) {
        if (!normalize(vector)) {
            vector[0] = 1; // Lucene refuses zero vectors; a model never returns one in practice
        }
    }

    /**
     * Each file is removed before it is written: in an update it is a hard link to the earlier run's file, which other
     * folders (a finished job's artifacts, a kept index) share, and writing through it would change theirs.
     */
    private static void writeFiles(Path dir, IndexMeta meta, List<ChunkRow> rows, float[][] vectors)
            throws IOException {
        for (String name : List.of(VECTORS_FILE, CHUNKS_FILE, IndexMeta.FILE)) {
            Files.deleteIfExists(dir.resolve(name));
        }
        writeVectors(dir.resolve(VECTORS_FILE), vectors, meta.dimension());
        writeChunks(dir.resolve(CHUNKS_FILE), rows);
        Files.write(
                dir.resolve(IndexMeta.FILE),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    }

    private static List<String> slugs(List<Post> posts) {
        return posts.stream().map(Post::slug).toList();
    }

    private static void writeVectors(Path file, float[][] vectors, int dimension) throws IOException {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, 256) * dimension * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float[] vector : vectors) {
                if (vector.length != dimension) {
                    throw new IllegalArgumentException(
                            "a vector has " + vector.length + " dimensions, expected " + dimension);
                }
                if (buffer.remaining() < vector.length * Float.BYTES) {
                    flush(channel, buffer);
                }
                for (float v : vector) {
                    buffer.putFloat(v);
                }
            }
            flush(channel, buffer);
        }
    }

    private static void flush(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static void writeChunks(Path file, List<ChunkRow> rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows.size(); i++) {
                ChunkRow chunk = rows.get(i);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", i);
                line.put("slug", chunk.slug());
                line.put("headingPath", chunk.headingPath());
                line.put("anchor", chunk.anchor());
                line.put("start", chunk.start());
                line.put("end", chunk.end());
                out.write(Json.write(line));
                out.write('\n');
            }
        }
    }

    /** Deletes the documents of the {@code replaced} posts (none in a new index), then adds theirs. */
    private static void writeLucene(
            Path dir,
            IndexWriterConfig.OpenMode mode,
            Set<String> replaced,
            List<Post> posts,
            List<Chunk> chunks,
            float[][] vectors,
            int dimension)
            throws IOException {
        Map<String, float[]> centroids = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            if (!replaced.contains(chunk.slug())) {
                continue;
            }
            float[] sum = centroids.computeIfAbsent(chunk.slug(), s -> new float[dimension]);
            for (int d = 0; d < dimension; d++) {
                sum[d] += vectors[i][d];
            }
        }
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                .setCodec(CODEC)
                .setOpenMode(mode)
                .setRAMBufferSizeMB(RAM_BUFFER_MB);
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, config)) {
            if (mode == IndexWriterConfig.OpenMode.APPEND) {
                for (String slug : replaced) {
                    writer.deleteDocuments(new Term(SLUG, slug));
                }
            }
            addInParallel(
                    writer,
                    IntStream.range(0, chunks.size())
                            .filter(i -> replaced.contains(chunks.get(i).slug()))
                            .mapToObj(i -> chunkDocument(chunks.get(i), vectors[i]))
                            .toList());
            List<Document> postDocuments = new ArrayList<>();
            for (Post post : posts) {
                float[] centroid = centroids.get(post.slug());
                if (centroid != null && normalize(centroid)) {
                    postDocuments.add(postDocument(post, PostHash.of(post), centroid));
                }
            }
            addInParallel(writer, postDocuments);
            writer.commit();
        }
    }

    /**
     * Each indexing thread fills a segment of its own and inserts into that segment's HNSW graph as it goes, so the
     * graphs are built on all cores; the segments are left as they are (merging them would insert every vector again).
     */
    private static void addInParallel(IndexWriter writer, List<Document> documents) throws IOException {
        try {
            documents.parallelStream().forEach(doc -> {
                try {
                    writer.addDocument(doc);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Document chunkDocument(Chunk chunk, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(TYPE, CHUNK, Field.Store.NO));
        addSlug(doc, chunk.slug());
        doc.add(new StoredField(HEADING, chunk.heading()));
        doc.add(new StoredField(ANCHOR, chunk.anchor()));
        doc.add(new TextField(TEXT, chunk.text(), Field.Store.NO));
        doc.add(new StoredField(BODY, chunk.body()));
        doc.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
        return doc;
    }

    /** Indexed (updates delete by it), stored, and as doc values (ranking reads every candidate's); one schema for all documents. */
    private static void addSlug(Document doc, String slug) {
        doc.add(new StringField(SLUG, slug, Field.Store.YES));
        doc.add(new SortedDocValuesField(SLUG, new BytesRef(slug)));
    }

    private static Document postDocument(Post post, String hash, float[] centroid) {
        Document doc = new Document();
        doc.add(new StringField(TYPE, POST, Field.Store.NO));
        addSlug(doc, post.slug());
        doc.add(new StoredField(TITLE, post.title()));
        doc.add(new StoredField(URL, post.url()));
        doc.add(new StoredField(HASH, hash));
        doc.add(new KnnFloatVectorField(POST_VECTOR, centroid, SIMILARITY));
        return doc;
    }

    /** Scales to unit length; false for a zero vector (left as is). */
    static boolean normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        if (sum == 0) {
            return false;
        }
        float scale = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
        return true;
    }
}
