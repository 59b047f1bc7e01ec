package dev.repoworker.embeddings;

import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Related posts through the HNSW index: each post's vector (the normalised mean of its chunks'
 * vectors, so the whole post counts, not one passage) queries the post-vector graph for its
 * nearest neighbours; the post itself is dropped. {@code O(posts · log posts)}, never all pairs.
 */
public final class Related {

    public static final String FILE = "related.json";
    public static final int DEFAULT_K = 10;

    /** One neighbour; {@code score} is the cosine similarity. */
    public record RelatedPost(String slug, String title, String url, double score) {
    }

    private Related() {
    }

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
                info.put(doc[0], new RelatedPost(d.get(VectorIndex.SLUG), d.get(VectorIndex.TITLE), d.get(VectorIndex.URL), 0));
            }
            List<List<RelatedPost>> results = new ArrayList<>(postDocs.size());
            IntStream.range(0, postDocs.size()).forEach(i -> results.add(null));
            IntStream.range(0, postDocs.size()).parallel().forEach(i -> {
                try {
                    TopDocs top = searcher.search(new KnnFloatVectorQuery(VectorIndex.POST_VECTOR, postVectors.get(i), k + 1), k + 1);
                    List<RelatedPost> related = new ArrayList<>(k);
                    for (ScoreDoc hit : top.scoreDocs) {
                        if (hit.doc == postDocs.get(i)[0] || related.size() == k) {
                            continue;
                        }
                        RelatedPost p = info.get(hit.doc);
                        related.add(new RelatedPost(p.slug(), p.title(), p.url(), round(2.0 * hit.score - 1)));
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

    /** Writes {@code related.json}: {@code {"<slug>": [{slug, title, url, score}, …]}}, via a temporary file. */
    public static void write(Path file, Map<String, List<RelatedPost>> related) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, Json.writeBytes(related));
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
