package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code enrich-data}'s work on a build's artifacts: reads {@code posts.json}, {@code issues.json},
 * {@code medias.json}, {@code graph.json} (and {@code related.json} when embeddings were computed), writes
 * {@code enriched.json}, {@code tags.json}, {@code health.json}, {@code schema.json} and {@code content.sqlite}
 * to the output folder and the enriched {@code posts.json} and {@code posts/{slug}.json} (related posts,
 * backlinks with their sentence, Git history).
 */
public final class EnrichData {

    public static final String ENRICHED = "enriched.json";
    public static final String TAGS = "tags.json";
    public static final String HEALTH = "health.json";
    public static final String SCHEMA = "schema.json";
    public static final String DATABASE = "content.sqlite";
    public static final int RELATED_LIMIT = 10;
    public static final int DEFAULT_SHORT_POST_WORDS = 50;
    private static final String POSTS = "posts.json";
    private static final String ISSUES = "issues.json";
    private static final String MEDIAS = "medias.json";
    private static final String GRAPH = "graph.json";
    /** What it reads of a build's artifacts (besides {@code related.json}, which may come from another job). */
    public static final List<String> READS = List.of(POSTS, ISSUES, MEDIAS, GRAPH);

    /** Where to read and write, and what else is available. */
    public record Request(
            Path sourceDir, Optional<Path> relatedFile, Path outDir, Optional<Path> gitRepo, int shortPostWords) {}

    /** What {@code Slugs.slugify} gives (letters, digits, single dashes; a conflict adds {@code -2}): never a path. */
    private static final Pattern PLAIN_SLUG = Pattern.compile("[\\p{L}\\p{N}]+(-[\\p{L}\\p{N}]+)*");

    private final ObjectMapper json = Json.mapper();

    public Map<String, Object> enrich(Request request, ProgressListener progress)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<String> notes = new ArrayList<>();
        List<ObjectNode> posts = publishablePosts(request.sourceDir().resolve(POSTS), notes);
        Files.createDirectories(request.outDir());

        progress.report(new Progress("related", 0, posts.size(), "related posts"));
        Map<String, JsonNode> related = related(request.relatedFile(), notes);
        progress.report(new Progress("backlinks", 0, posts.size(), "backlinks with context"));
        PostLinks links = PostLinks.of(posts);
        progress.report(new Progress("history", 0, posts.size(), "git history"));
        Optional<GitHistory.History> history = history(request.gitRepo(), notes);
        Map<String, Enrichment.Entry> enrichedPosts = addToPosts(posts, related, links.backlinks(), history);

        progress.report(new Progress("tags", 0, posts.size(), "tag index"));
        TagIndex tags = TagIndex.of(posts);
        JsonNode issues = readOrEmpty(request.sourceDir().resolve(ISSUES));
        JsonNode medias = readOrEmpty(request.sourceDir().resolve(MEDIAS));
        JsonNode graph = readOrEmpty(request.sourceDir().resolve(GRAPH));
        Map<String, Object> health =
                ContentHealth.of(posts, links.backlinks(), issues, medias, graph, request.shortPostWords());
        Map<String, Object> schema = FrontmatterSchema.of(posts);

        Path out = request.outDir();
        write(out.resolve(ENRICHED), enriched(enrichedPosts, history, notes));
        write(out.resolve(TAGS), Map.of("tags", tags.entries()));
        write(out.resolve(HEALTH), health);
        write(out.resolve(SCHEMA), schema);
        writePosts(out, posts);
        checkInterrupted();
        progress.report(new Progress("database", 0, posts.size(), "writing " + DATABASE));
        ContentDatabase.write(out.resolve(DATABASE), posts, tags.postsByTag(), links.all(), medias, graph, schema);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("posts", posts.size());
        summary.put("tags", tags.entries().size());
        summary.put("links", links.all().size());
        summary.put("related", !related.isEmpty());
        summary.put("history", history.isPresent());
        history.ifPresent(h -> summary.put("commits", h.commits()));
        summary.put("healthProblems", ((List<?>) health.get("problems")).size());
        summary.put("frontmatterKeys", ((Map<?, ?>) schema.get("keys")).size());
        summary.put("files", List.of(ENRICHED, TAGS, HEALTH, SCHEMA, DATABASE, "posts.json", "posts/"));
        summary.put("notes", notes);
        summary.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        return summary;
    }

    /** The posts whose slug can name a file; the others are left out with a note. */
    private List<ObjectNode> publishablePosts(Path postsFile, List<String> notes) throws IOException {
        List<ObjectNode> posts = new ArrayList<>();
        for (ObjectNode post : readPosts(postsFile)) {
            String slug = post.path("slug").asText();
            // A slug names the file posts/{slug}.json: one that is not a plain slug could name a path anywhere.
            if (PLAIN_SLUG.matcher(slug).matches()) {
                posts.add(post);
            } else {
                notes.add("a post whose slug is not a plain slug was left out: " + printable(slug));
            }
        }
        return posts;
    }

    /** Slug → its first {@link #RELATED_LIMIT} related posts from {@code related.json}; empty, with a note, without one. */
    private Map<String, JsonNode> related(Optional<Path> relatedFile, List<String> notes) throws IOException {
        Map<String, JsonNode> related = new LinkedHashMap<>();
        if (relatedFile.isPresent() && Files.isRegularFile(relatedFile.get())) {
            JsonNode all = json.readTree(relatedFile.get().toFile());
            all.fields().forEachRemaining(e -> {
                ArrayNode top = json.createArrayNode();
                for (JsonNode r : e.getValue()) {
                    if (top.size() < RELATED_LIMIT) {
                        top.add(r);
                    }
                }
                related.put(e.getKey(), top);
            });
        } else {
            notes.add("related posts are absent: compute-embeddings did not run (no related.json)");
        }
        return related;
    }

    private static Optional<GitHistory.History> history(Optional<Path> gitRepo, List<String> notes)
            throws InterruptedException {
        if (gitRepo.isEmpty()) {
            notes.add("git history is absent: the notes did not come from a Git clone in this job");
            return Optional.empty();
        }
        Optional<GitHistory.History> history = GitHistory.read(gitRepo.get());
        if (history.isEmpty()) {
            notes.add("git history is absent: the clone is shallow (use depth: 0) or not a Git repository");
        }
        return history;
    }

    /** Adds related posts, backlinks with context, reading time and history to each post; returns them by slug. */
    private Map<String, Enrichment.Entry> addToPosts(
            List<ObjectNode> posts,
            Map<String, JsonNode> related,
            Map<String, List<Enrichment.Backlink>> backlinks,
            Optional<GitHistory.History> history) {
        Map<String, Enrichment.Entry> enrichedPosts = new LinkedHashMap<>();
        for (ObjectNode post : posts) {
            String slug = post.path("slug").asText();
            int words = post.has("wordCount")
                    ? post.path("wordCount").asInt()
                    : countWords(post.path("plain").asText(""));
            int minutes = post.has("readingTimeMinutes")
                    ? post.path("readingTimeMinutes").asInt()
                    : Math.max(1, (words + 199) / 200);
            Enrichment enrichment = new Enrichment(
                    related.get(slug),
                    backlinks.getOrDefault(slug, List.of()),
                    words,
                    minutes,
                    history.map(h -> fileHistory(h, post.path("path").asText("")))
                            .orElse(null));
            post.setAll((ObjectNode) json.valueToTree(enrichment));
            enrichedPosts.put(slug, enrichment.entry());
        }
        return enrichedPosts;
    }

    /** {@code enriched.json}. */
    private static Map<String, Object> enriched(
            Map<String, Enrichment.Entry> enrichedPosts, Optional<GitHistory.History> history, List<String> notes) {
        Map<String, Object> enriched = new LinkedHashMap<>();
        enriched.put("posts", enrichedPosts);
        enriched.put(
                "repository",
                history.map(h -> {
                            Map<String, Object> r = new LinkedHashMap<>();
                            r.put("commits", h.commits());
                            r.put("contributors", h.contributors());
                            return (Object) r;
                        })
                        .orElse(null));
        enriched.put("notes", notes);
        return enriched;
    }

    private void writePosts(Path out, List<ObjectNode> posts) throws IOException {
        write(out.resolve("posts.json"), posts);
        Path postDir = Files.createDirectories(out.resolve("posts"));
        for (ObjectNode post : posts) {
            write(postDir.resolve(post.path("slug").asText() + ".json"), post);
        }
    }

    private static GitHistory.FileHistory fileHistory(GitHistory.History history, String path) {
        if (path.isEmpty()) {
            return null;
        }
        GitHistory.FileHistory exact = history.files().get(path);
        if (exact != null) {
            return exact;
        }
        return history.files().entrySet().stream()
                .filter(e -> e.getKey().endsWith("/" + path))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static String printable(String text) {
        String shown = text.replaceAll("\\p{Cntrl}", "?");
        return shown.length() > 80 ? shown.substring(0, 80) + "…" : shown;
    }

    static int countWords(String plain) {
        String trimmed = plain.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private List<ObjectNode> readPosts(Path file) throws IOException {
        JsonNode node = json.readTree(file.toFile());
        List<ObjectNode> posts = new ArrayList<>();
        for (JsonNode post : node) {
            if (post instanceof ObjectNode object) {
                posts.add(object);
            }
        }
        return posts;
    }

    private JsonNode readOrEmpty(Path file) throws IOException {
        return Files.isRegularFile(file) ? json.readTree(file.toFile()) : json.createArrayNode();
    }

    private void write(Path file, Object value) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temp, json.writeValueAsBytes(value));
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("enrich-data was cancelled");
        }
    }
}
