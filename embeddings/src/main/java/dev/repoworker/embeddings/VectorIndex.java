package dev.repoworker.embeddings;

import dev.repoworker.protocol.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Writes an {@code embeddings/} folder: {@code vectors.f32} (L2-normalised float32, little-endian,
 * row-major; row i is chunk i), {@code chunks.jsonl}, {@code meta.json}, and {@code index/}: a Lucene
 * index with one document per chunk (HNSW {@code vector}, cosine; BM25 {@code text}) and one per
 * post (HNSW {@code postVector}: the normalised mean of its chunks, used for related posts).
 */
public final class VectorIndex {

    public static final String INDEX_DIR = "index";
    public static final String VECTORS_FILE = "vectors.f32";
    public static final String CHUNKS_FILE = "chunks.jsonl";

    static final String TYPE = "type";
    static final String CHUNK = "chunk";
    static final String POST = "post";
    static final String ID = "id";
    static final String SLUG = "slug";
    static final String TITLE = "title";
    static final String URL = "url";
    static final String HEADING = "heading";
    static final String ANCHOR = "anchor";
    static final String TEXT = "text";
    static final String BODY = "body";
    static final String VECTOR = "vector";
    static final String POST_VECTOR = "postVector";

    /** HNSW graph degree (Lucene's default). */
    static final int MAX_CONNECTIONS = 16;
    /**
     * Candidates kept while inserting into the graph. Lucene's default is 100; on Java 17 (no vector
     * API, scalar dot products) building cost grows with it and dominated a re-run with one changed
     * note, while 48 keeps recall at k=10 high for these sizes.
     */
    static final int BEAM_WIDTH = 48;

    /** The default codec with our HNSW parameters; readers need nothing special (format names are standard). */
    private static final Codec CODEC = new Lucene104Codec() {
        private final KnnVectorsFormat vectors = new Lucene99HnswVectorsFormat(MAX_CONNECTIONS, BEAM_WIDTH);

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return vectors;
        }
    };

    private VectorIndex() {
    }

    /** Writes everything into {@code dir} (created; expected empty). {@code vectors} are normalised in place. */
    public static void write(Path dir, IndexMeta meta, List<Post> posts, List<Chunk> chunks, float[][] vectors) throws IOException {
        if (chunks.size() != vectors.length) {
            throw new IllegalArgumentException(chunks.size() + " chunks but " + vectors.length + " vectors");
        }
        Files.createDirectories(dir);
        for (float[] vector : vectors) {
            if (!normalize(vector)) {
                vector[0] = 1; // Lucene refuses zero vectors under cosine; a model never returns one in practice
            }
        }
        writeVectors(dir.resolve(VECTORS_FILE), vectors, meta.dimension());
        writeChunks(dir.resolve(CHUNKS_FILE), chunks);
        writeLucene(dir.resolve(INDEX_DIR), posts, chunks, vectors, meta.dimension());
        Files.write(dir.resolve(IndexMeta.FILE), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    }

    private static void writeVectors(Path file, float[][] vectors, int dimension) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, 256) * dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] vector : vectors) {
                if (vector.length != dimension) {
                    throw new IllegalArgumentException("a vector has " + vector.length + " dimensions, expected " + dimension);
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

    private static void writeChunks(Path file, List<Chunk> chunks) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
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

    private static void writeLucene(Path dir, List<Post> posts, List<Chunk> chunks, float[][] vectors, int dimension)
            throws IOException {
        Map<String, float[]> centroids = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            float[] sum = centroids.computeIfAbsent(chunks.get(i).slug(), s -> new float[dimension]);
            for (int d = 0; d < dimension; d++) {
                sum[d] += vectors[i][d];
            }
        }
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                .setCodec(CODEC)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(512);
        try (Directory directory = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
                Document doc = new Document();
                doc.add(new StringField(TYPE, CHUNK, Field.Store.NO));
                doc.add(new StoredField(ID, i));
                doc.add(new StringField(SLUG, chunk.slug(), Field.Store.YES));
                doc.add(new StoredField(HEADING, chunk.heading()));
                doc.add(new StoredField(ANCHOR, chunk.anchor()));
                doc.add(new TextField(TEXT, chunk.text(), Field.Store.NO));
                doc.add(new StoredField(BODY, chunk.body()));
                doc.add(new KnnFloatVectorField(VECTOR, vectors[i], VectorSimilarityFunction.COSINE));
                writer.addDocument(doc);
            }
            for (Post post : posts) {
                float[] centroid = centroids.get(post.slug());
                if (centroid == null || !normalize(centroid)) {
                    continue;
                }
                Document doc = new Document();
                doc.add(new StringField(TYPE, POST, Field.Store.NO));
                doc.add(new StringField(SLUG, post.slug(), Field.Store.YES));
                doc.add(new StoredField(TITLE, post.title()));
                doc.add(new StoredField(URL, post.url()));
                doc.add(new KnnFloatVectorField(POST_VECTOR, centroid, VectorSimilarityFunction.COSINE));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
            writer.commit();
        }
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
