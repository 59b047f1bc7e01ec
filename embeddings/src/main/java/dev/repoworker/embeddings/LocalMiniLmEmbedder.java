package dev.repoworker.embeddings;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions) running inside the JVM: the model ships in the
 * langchain4j jar, nothing is downloaded. Texts of one call run in parallel, one per core (each
 * ONNX run is one text, so no padding is wasted). The ONNX session is loaded once per JVM (the
 * model class holds it statically); use {@link #shared()}.
 */
public final class LocalMiniLmEmbedder implements Embedder {

    public static final String MODEL = "all-minilm-l6-v2-q";
    public static final int DIMENSION = 384;

    private static final class Holder {
        static final LocalMiniLmEmbedder SHARED =
                new LocalMiniLmEmbedder(Runtime.getRuntime().availableProcessors());
    }

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;
    private final int threads;

    private LocalMiniLmEmbedder(int threads) {
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "minilm-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
    }

    /** The one instance of this JVM (loads the model on first use, ~1 s). */
    public static LocalMiniLmEmbedder shared() {
        return Holder.SHARED;
    }

    /** The langchain4j model itself, for benchmarks that compare against calling it directly. */
    public AllMiniLmL6V2QuantizedEmbeddingModel rawModel() {
        return model;
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public int batchSize() {
        return 32 * threads;
    }

    @Override
    public float[][] embed(List<String> texts) throws InterruptedException {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            segments.add(TextSegment.from(text.isBlank() ? "." : text));
        }
        List<Embedding> embeddings = model.embedAll(segments).content();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("embedding interrupted");
        }
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = embeddings.get(i).vector();
        }
        return vectors;
    }
}
