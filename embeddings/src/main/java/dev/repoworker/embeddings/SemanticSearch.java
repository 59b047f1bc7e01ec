package dev.repoworker.embeddings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * Query time over an {@code embeddings/} folder. The query is embedded with the model recorded in
 * {@code meta.json} (a different embedder is refused), then ranked <b>hybrid</b>: candidates are
 * the nearest chunks in the HNSW graph plus the best BM25 chunks for the query's words; each
 * candidate chunk scores {@code 0.8 · cosine + 0.2 · bm25 / max bm25}, and each post is ranked by
 * its best chunk. Thread-safe; open once and reuse.
 */
public final class SemanticSearch implements AutoCloseable {

    public static final int MAX_K = 100;
    static final double SEMANTIC_WEIGHT = 0.8;
    private static final int SNIPPET_CHARS = 220;
    private static final int MAX_QUERY_CHARS = 2_000;
    /** Keyword searches run beside the query's embedding: they need only its words. */
    private static final ExecutorService KEYWORD_SEARCHES = Executors.newVirtualThreadPerTaskExecutor();

    private final IndexMeta meta;
    private final Embedder embedder;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final Map<String, String[]> posts = new HashMap<>();

    private SemanticSearch(IndexMeta meta, Embedder embedder, Directory directory, DirectoryReader reader)
            throws IOException {
        this.meta = meta;
        this.embedder = embedder;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        StoredFields stored = reader.storedFields();
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
                Document d = stored.document(leaf.docBase + doc);
                posts.put(d.get(VectorIndex.SLUG), new String[] {d.get(VectorIndex.TITLE), d.get(VectorIndex.URL)});
            }
        }
    }

    /**
     * Opens {@code embeddingsDir} (the folder holding {@code meta.json} and {@code index/}).
     *
     * @throws NoSuchFileException when there are no embeddings there
     * @throws ModelMismatchException when {@code embedder} is not the model that built them
     */
    public static SemanticSearch open(Path embeddingsDir, Embedder embedder) throws IOException {
        IndexMeta meta = IndexMeta.read(embeddingsDir);
        if (!meta.model().equals(embedder.model())) {
            throw new ModelMismatchException(meta.model(), embedder.model());
        }
        Path index = embeddingsDir.resolve(VectorIndex.INDEX_DIR);
        if (!Files.isDirectory(index)) {
            throw new NoSuchFileException(VectorIndex.INDEX_DIR);
        }
        Directory directory = FSDirectory.open(index);
        try {
            return new SemanticSearch(meta, embedder, directory, DirectoryReader.open(directory));
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** The index was built by another model than the one that would embed the query. */
    public static final class ModelMismatchException extends IOException {
        public ModelMismatchException(String indexModel, String queryModel) {
            super("the embeddings were made with model " + indexModel + " but this service embeds queries with "
                    + queryModel + "; configure EMBEDDINGS_URL/EMBEDDINGS_MODEL to match");
        }
    }

    public IndexMeta meta() {
        return meta;
    }

    /** The {@code k} best posts for {@code query} (1 ≤ k ≤ {@value #MAX_K}). */
    public List<SearchHit> search(String query, int k) throws IOException, InterruptedException {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("the query is empty");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K);
        }
        String q = query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query.strip();
        int candidates = Math.max(50, k * 8);
        List<String> terms = terms(q);
        Future<TopDocs> keywordMatches = KEYWORD_SEARCHES.submit(() -> keywordSearch(terms, candidates));
        float[] vector;
        try {
            vector = embedder.embed(List.of(q))[0];
        } catch (IOException | InterruptedException | RuntimeException e) {
            keywordMatches.cancel(true);
            throw e;
        }
        VectorIndex.normalize(vector);
        Map<Integer, double[]> chunks = new HashMap<>(); // doc → {cosine, bm25}
        TopDocs nearest = searcher.search(new KnnFloatVectorQuery(VectorIndex.VECTOR, vector, candidates), candidates);
        for (ScoreDoc hit : nearest.scoreDocs) {
            chunks.put(hit.doc, new double[] {2.0 * hit.score - 1, 0});
        }
        double maxKeyword = 0;
        List<Integer> keywordOnly = new ArrayList<>();
        for (ScoreDoc hit : await(keywordMatches).scoreDocs) {
            maxKeyword = Math.max(maxKeyword, hit.score);
            double[] scores = chunks.get(hit.doc);
            if (scores == null) {
                scores = new double[] {0, 0};
                chunks.put(hit.doc, scores);
                keywordOnly.add(hit.doc);
            }
            scores[1] = hit.score;
        }
        cosines(keywordOnly, vector, chunks);
        return rank(chunks, maxKeyword, k, terms);
    }

    /** The best BM25 chunks for the query's words (none without words); runs while the query is embedded. */
    private TopDocs keywordSearch(List<String> terms, int candidates) throws IOException {
        if (terms.isEmpty()) {
            return new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        }
        BooleanQuery.Builder keyword = new BooleanQuery.Builder();
        for (String term : terms) {
            keyword.add(new TermQuery(new Term(VectorIndex.TEXT, term)), BooleanClause.Occur.SHOULD);
        }
        return searcher.search(keyword.build(), candidates);
    }

    private static TopDocs await(Future<TopDocs> matches) throws IOException, InterruptedException {
        try {
            return matches.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("the keyword search failed", e.getCause());
        }
    }

    private List<SearchHit> rank(Map<Integer, double[]> chunks, double maxKeyword, int k, List<String> terms)
            throws IOException {
        Map<String, Best> bestBySlug = new HashMap<>();
        Map<Integer, String> slugs = slugs(chunks.keySet());
        for (Map.Entry<Integer, double[]> entry : chunks.entrySet()) {
            double[] s = entry.getValue();
            double score = SEMANTIC_WEIGHT * s[0] + (1 - SEMANTIC_WEIGHT) * (maxKeyword > 0 ? s[1] / maxKeyword : 0);
            String slug = slugs.get(entry.getKey());
            Best best = bestBySlug.get(slug);
            if (best == null || score > best.score) {
                bestBySlug.put(slug, new Best(entry.getKey(), score));
            }
        }
        StoredFields stored = reader.storedFields();
        List<Map.Entry<String, Best>> ranked = new ArrayList<>(bestBySlug.entrySet());
        ranked.sort(Comparator.comparingDouble((Map.Entry<String, Best> e) -> -e.getValue().score)
                .thenComparing(Map.Entry::getKey));
        List<SearchHit> hits = new ArrayList<>();
        for (Map.Entry<String, Best> entry : ranked.subList(0, Math.min(k, ranked.size()))) {
            Document doc = stored.document(entry.getValue().doc);
            String[] post = posts.getOrDefault(entry.getKey(), new String[] {entry.getKey(), ""});
            hits.add(new SearchHit(
                    entry.getKey(),
                    post[0],
                    post[1],
                    Related.round(entry.getValue().score),
                    snippet(doc.get(VectorIndex.BODY), terms),
                    doc.get(VectorIndex.HEADING)));
        }
        return hits;
    }

    private record Best(int doc, double score) {}

    /** The slugs of these chunk documents, from doc values (read in doc order). */
    private Map<Integer, String> slugs(Set<Integer> docs) throws IOException {
        Map<Integer, String> slugs = new HashMap<>();
        List<LeafReaderContext> leaves = reader.leaves();
        SortedDocValues values = null;
        int leafIndex = -1;
        for (int doc : docs.stream().sorted().toList()) {
            int index = ReaderUtil.subIndex(doc, leaves);
            if (index != leafIndex) {
                leafIndex = index;
                values = leaves.get(index).reader().getSortedDocValues(VectorIndex.SLUG);
            }
            if (values != null && values.advanceExact(doc - leaves.get(index).docBase)) {
                slugs.put(doc, values.lookupOrd(values.ordValue()).utf8ToString());
            } else { // an index written before slugs had doc values
                slugs.put(
                        doc,
                        reader.storedFields()
                                .document(doc, Set.of(VectorIndex.SLUG))
                                .get(VectorIndex.SLUG));
            }
        }
        return slugs;
    }

    /** Cosines between the query and the chunks only the keyword search found, one pass over each segment's vectors. */
    private void cosines(List<Integer> docs, float[] query, Map<Integer, double[]> chunks) throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        FloatVectorValues values = null;
        KnnVectorValues.DocIndexIterator it = null;
        int leafIndex = -1;
        for (int doc : docs.stream().sorted().toList()) {
            int index = ReaderUtil.subIndex(doc, leaves);
            if (index != leafIndex) {
                leafIndex = index;
                values = leaves.get(index).reader().getFloatVectorValues(VectorIndex.VECTOR);
                it = values == null ? null : values.iterator();
            }
            int target = doc - leaves.get(index).docBase;
            if (it != null && (it.docID() == target || it.docID() < target && it.advance(target) == target)) {
                chunks.get(doc)[0] = VectorUtil.dotProduct(query, values.vectorValue(it.index()));
            }
        }
    }

    private List<String> terms(String query) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(VectorIndex.TEXT, query)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken() && terms.size() < 64) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return List.copyOf(terms);
    }

    /** About {@value #SNIPPET_CHARS} characters of the chunk, around the first query word it contains. */
    static String snippet(String body, List<String> terms) {
        if (body == null) {
            return "";
        }
        String text = body.replaceAll("\\s+", " ").strip();
        if (text.length() <= SNIPPET_CHARS) {
            return text;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int at = -1;
        for (String term : terms) {
            int i = lower.indexOf(term);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        int start = at < SNIPPET_CHARS / 3 ? 0 : text.lastIndexOf(' ', at - SNIPPET_CHARS / 3) + 1;
        int end = Math.min(text.length(), start + SNIPPET_CHARS);
        int space = text.lastIndexOf(' ', end);
        if (end < text.length() && space > start + SNIPPET_CHARS / 2) {
            end = space;
        }
        return (start > 0 ? "…" : "") + text.substring(start, end).strip() + (end < text.length() ? "…" : "");
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }
}
