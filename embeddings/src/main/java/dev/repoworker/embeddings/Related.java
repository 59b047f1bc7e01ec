package dev.repoworker.embeddings;

import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * Related posts: each post's vector (the normalised mean of its chunks' vectors, so the whole post
 * counts, not one passage) finds its nearest neighbours, the post itself dropped. Up to
 * {@value #EXACT_UP_TO} posts by comparing all pairs (exact); beyond, through the post-vector HNSW
 * graph, {@code O(posts · log posts)}.
 */
public final class Related {

    public static final String FILE = "related.json";
    public static final int DEFAULT_K = 10;
    /** Up to this many posts, comparing every pair (a million dot products for 1,000 posts) is exact and cheaper than the graph. */
    static final int EXACT_UP_TO = 2_000;

    /** One neighbour; {@code score} is the cosine similarity. */
    public record RelatedPost(String slug, String title, String url, double score) {}

    private Related() {}

    /** Slug → its {@code k} most related posts, best first, in index order of the posts. */
    public static Map<String, List<RelatedPost>> compute(Path embeddingsDir, int k) throws IOException {
        try (Directory directory = FSDirectory.open(embeddingsDir.resolve(VectorIndex.INDEX_DIR));
                DirectoryReader reader = DirectoryReader.open(directory)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            StoredFields stored = reader.storedFields();
            List<int[]> postDocs = new ArrayList<>();
            List<float[]> postVectors = new ArrayList<>();
            for (LeafReaderContext leaf : reader.leaves()) {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(VectorIndex.POST_VECTOR);
                if (values == null) {
                    continue;
                }
                Bits live = leaf.reader().getLiveDocs();
                KnnVectorValues.DocIndexIterator it = values.iterator();
                for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    postDocs.add(new int[] {leaf.docBase + doc});
                    postVectors.add(values.vectorValue(it.index()).clone());
                }
            }
            Map<Integer, RelatedPost> info = new ConcurrentHashMap<>();
            for (int[] doc : postDocs) {
                Document d = stored.document(doc[0]);
                info.put(
                        doc[0],
                        new RelatedPost(d.get(VectorIndex.SLUG), d.get(VectorIndex.TITLE), d.get(VectorIndex.URL), 0));
            }
            List<List<RelatedPost>> results = new ArrayList<>(postDocs.size());
            IntStream.range(0, postDocs.size()).forEach(i -> results.add(null));
            IntStream.range(0, postDocs.size()).parallel().forEach(i -> {
                try {
                    List<RelatedPost> related = new ArrayList<>(k);
                    if (postVectors.size() <= EXACT_UP_TO) {
                        for (Neighbour neighbour : exact(i, postVectors, k)) {
                            RelatedPost p = info.get(postDocs.get(neighbour.index())[0]);
                            related.add(new RelatedPost(p.slug(), p.title(), p.url(), round(neighbour.cosine())));
                        }
                    } else {
                        TopDocs top = searcher.search(
                                new KnnFloatVectorQuery(VectorIndex.POST_VECTOR, postVectors.get(i), k + 1), k + 1);
                        for (ScoreDoc hit : top.scoreDocs) {
                            if (hit.doc == postDocs.get(i)[0] || related.size() == k) {
                                continue;
                            }
                            RelatedPost p = info.get(hit.doc);
                            related.add(new RelatedPost(p.slug(), p.title(), p.url(), round(2.0 * hit.score - 1)));
                        }
                    }
                    synchronized (results) {
                        results.set(i, related);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Map<String, List<RelatedPost>> bySlug = new LinkedHashMap<>();
            for (int i = 0; i < postDocs.size(); i++) {
                bySlug.put(info.get(postDocs.get(i)[0]).slug(), results.get(i));
            }
            return bySlug;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private record Neighbour(int index, float cosine) {}

    /** The {@code k} posts closest to post {@code i}, found by comparing it with every other; best first, ties in index order. */
    private static List<Neighbour> exact(int i, List<float[]> vectors, int k) {
        Comparator<Neighbour> better =
                Comparator.comparingDouble((Neighbour n) -> -n.cosine()).thenComparingInt(Neighbour::index);
        PriorityQueue<Neighbour> best = new PriorityQueue<>(better.reversed());
        for (int j = 0; j < vectors.size(); j++) {
            if (j != i) {
                best.add(new Neighbour(j, VectorUtil.dotProduct(vectors.get(i), vectors.get(j))));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        List<Neighbour> ordered = new ArrayList<>(best);
        ordered.sort(better);
        return ordered;
    }

    /** Writes {@code related.json}: {@code {"<slug>": [{slug, title, url, score}, …]}}, via a temporary file. */
    public static void write(Path file, Map<String, List<RelatedPost>> related) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, Json.writeBytes(related));
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
