package dev.repoworker.cli;

import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingsConfig;
import dev.repoworker.embeddings.IndexMeta;
import dev.repoworker.embeddings.SearchHit;
import dev.repoworker.embeddings.SemanticSearch;
import dev.repoworker.protocol.Env;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Semantic search over embeddings made by compute-embeddings: prints the best posts, one per line "
                    + "(score, title, url, snippet), or a JSON array with --json.",
            "The query is embedded with the model recorded in meta.json: the local all-MiniLM-L6-v2, or the "
                    + "EMBEDDINGS_URL / EMBEDDINGS_MODEL / EMBEDDINGS_API_KEY endpoint when those are set.",
            "Exit status: 0 searched, 1 no embeddings there or another model, 2 bad input."
        })
final class SearchCommand implements Callable<Integer> {

    @Option(
            names = "--artifacts",
            required = true,
            paramLabel = "DIR",
            description = "A job's artifacts folder (holding embeddings/), or the embeddings folder itself.")
    Path artifacts;

    @Option(names = "--k", defaultValue = "10", description = "How many posts (1 to 100, default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--json", description = "Print a JSON array [{slug, title, url, score, snippet, heading}].")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "What to look for (several words are joined).")
    List<String> words;

    @Override
    public Integer call() throws InterruptedException {
        String query = String.join(" ", words).strip();
        if (query.isEmpty()) {
            System.err.println("repo-worker search: the query is empty");
            return 2;
        }
        if (k < 1 || k > SemanticSearch.MAX_K) {
            System.err.println("repo-worker search: --k must be from 1 to " + SemanticSearch.MAX_K);
            return 2;
        }
        Path dir = Files.isRegularFile(artifacts.resolve(IndexMeta.FILE))
                ? artifacts
                : artifacts.resolve(ComputeEmbeddings.OUTPUT_DIR);
        EmbeddingsConfig config;
        try {
            config = EmbeddingsConfig.fromEnv(
                    System.getenv(), Path.of(System.getProperty("java.io.tmpdir"), "repo-worker-embeddings"));
        } catch (Env.InvalidConfigException e) {
            System.err.println("repo-worker search: " + e.getMessage());
            return 2;
        }
        try (SemanticSearch search = SemanticSearch.open(dir, config.createEmbedder())) {
            print(search.search(query, k));
            return 0;
        } catch (NoSuchFileException e) {
            System.err.println("repo-worker search: no embeddings in " + artifacts + " (run compute-embeddings first)");
            return 1;
        } catch (SemanticSearch.ModelMismatchException e) {
            System.err.println("repo-worker search: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("repo-worker search: " + e.getMessage());
            return 1;
        }
    }

    private void print(List<SearchHit> hits) throws IOException {
        if (json) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(hits));
            return;
        }
        for (SearchHit hit : hits) {
            System.out.println(String.format(
                    Locale.ROOT,
                    "%.3f  %s  %s  %s",
                    hit.score(),
                    hit.title(),
                    hit.url(),
                    hit.snippet().replaceAll("\\s+", " ")));
        }
    }
}
