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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

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
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?");
    private static final int CONTEXT_MAX = 300;

    /** Where to read and write, and what else is available. */
    public record Request(Path sourceDir, Optional<Path> relatedFile, Path outDir, Optional<Path> gitRepo, int shortPostWords) {
    }

    /** What {@code Slugs.slugify} gives (letters, digits, single dashes; a conflict adds {@code -2}): never a path. */
    private static final Pattern PLAIN_SLUG = Pattern.compile("[\\p{L}\\p{N}]+(-[\\p{L}\\p{N}]+)*");

    private final ObjectMapper json = Json.mapper();

    public Map<String, Object> enrich(Request request, ProgressListener progress) throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<String> notes = new ArrayList<>();
        List<ObjectNode> posts = new ArrayList<>();
        for (ObjectNode post : readPosts(request.sourceDir().resolve("posts.json"))) {
            String slug = post.path("slug").asText();
            // A slug names the file posts/{slug}.json: one that is not a plain slug could name a path anywhere.
            if (PLAIN_SLUG.matcher(slug).matches()) {
                posts.add(post);
            } else {
                notes.add("a post whose slug is not a plain slug was left out: " + printable(slug));
            }
        }
        Files.createDirectories(request.outDir());
        Map<String, ObjectNode> bySlug = new LinkedHashMap<>();
        posts.forEach(p -> bySlug.put(p.path("slug").asText(), p));

        progress.report(new Progress("related", 0, posts.size(), "related posts"));
        Map<String, JsonNode> related = new LinkedHashMap<>();
        if (request.relatedFile().isPresent() && Files.isRegularFile(request.relatedFile().get())) {
            JsonNode all = json.readTree(request.relatedFile().get().toFile());
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

        progress.report(new Progress("backlinks", 0, posts.size(), "backlinks with context"));
        // target slug → [{slug, title, url, context}] in post order
        Map<String, List<Map<String, Object>>> backlinks = new LinkedHashMap<>();
        List<ContentDatabase.Link> links = new ArrayList<>();
        for (ObjectNode post : posts) {
            checkInterrupted();
            String slug = post.path("slug").asText();
            Map<String, String> contexts = linkContexts(post.path("html").asText(""));
            Set<String> targets = new LinkedHashSet<>();
            post.path("links").forEach(l -> targets.add(l.asText()));
            targets.addAll(contexts.keySet());
            for (String target : targets) {
                if (target.equals(slug) || !bySlug.containsKey(target)) {
                    continue;
                }
                String context = contexts.get(target);
                links.add(new ContentDatabase.Link(slug, target, context));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("slug", slug);
                entry.put("title", post.path("title").asText());
                entry.put("url", post.path("url").asText(null));
                entry.put("context", context);
                backlinks.computeIfAbsent(target, t -> new ArrayList<>()).add(entry);
            }
        }

        progress.report(new Progress("history", 0, posts.size(), "git history"));
        Optional<GitHistory.History> history = Optional.empty();
        if (request.gitRepo().isPresent()) {
            history = GitHistory.read(request.gitRepo().get());
            if (history.isEmpty()) {
                notes.add("git history is absent: the clone is shallow (use depth: 0) or not a Git repository");
            }
        } else {
            notes.add("git history is absent: the notes did not come from a Git clone in this job");
        }

        Map<String, Object> enrichedPosts = new LinkedHashMap<>();
        for (ObjectNode post : posts) {
            String slug = post.path("slug").asText();
            Map<String, Object> e = new LinkedHashMap<>();
            JsonNode rel = related.get(slug);
            if (rel != null) {
                e.put("related", rel);
                post.set("related", rel);
            }
            List<Map<String, Object>> in = backlinks.getOrDefault(slug, List.of());
            e.put("backlinks", in);
            post.set("backlinkContexts", json.valueToTree(in));
            int words = post.has("wordCount") ? post.path("wordCount").asInt() : countWords(post.path("plain").asText(""));
            int minutes = post.has("readingTimeMinutes") ? post.path("readingTimeMinutes").asInt() : Math.max(1, (words + 199) / 200);
            e.put("wordCount", words);
            e.put("readingTimeMinutes", minutes);
            post.put("wordCount", words);
            post.put("readingTimeMinutes", minutes);
            if (history.isPresent()) {
                GitHistory.FileHistory file = fileHistory(history.get(), post.path("path").asText(""));
                if (file != null) {
                    e.put("history", file);
                    post.set("history", json.valueToTree(file));
                }
            }
            enrichedPosts.put(slug, e);
        }

        progress.report(new Progress("tags", 0, posts.size(), "tag index"));
        Map<String, TreeSet<String>> tagPosts = new TreeMap<>();
        for (ObjectNode post : posts) {
            post.path("tags").forEach(t -> tagPosts.computeIfAbsent(t.asText(), k -> new TreeSet<>()).add(post.path("slug").asText()));
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        tagPosts.forEach((tag, slugs) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tag", tag);
            t.put("count", slugs.size());
            t.put("posts", List.copyOf(slugs));
            tags.add(t);
        });
        tags.sort((a, b) -> (int) b.get("count") - (int) a.get("count"));

        JsonNode issues = readOrEmpty(request.sourceDir().resolve("issues.json"));
        JsonNode medias = readOrEmpty(request.sourceDir().resolve("medias.json"));
        JsonNode graph = readOrEmpty(request.sourceDir().resolve("graph.json"));
        Map<String, Object> health = health(posts, backlinks, issues, medias, graph, request.shortPostWords());
        Map<String, Object> schema = schema(posts);

        Map<String, Object> enriched = new LinkedHashMap<>();
        enriched.put("posts", enrichedPosts);
        enriched.put("repository", history.map(h -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("commits", h.commits());
            r.put("contributors", h.contributors());
            return (Object) r;
        }).orElse(null));
        enriched.put("notes", notes);

        Path out = request.outDir();
        write(out.resolve(ENRICHED), enriched);
        write(out.resolve(TAGS), Map.of("tags", tags));
        write(out.resolve(HEALTH), health);
        write(out.resolve(SCHEMA), schema);
        write(out.resolve("posts.json"), posts);
        Path postDir = Files.createDirectories(out.resolve("posts"));
        for (ObjectNode post : posts) {
            write(postDir.resolve(post.path("slug").asText() + ".json"), post);
        }
        checkInterrupted();
        progress.report(new Progress("database", 0, posts.size(), "writing " + DATABASE));
        ContentDatabase.write(out.resolve(DATABASE), posts, tagPosts, links, medias, graph, schema);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("posts", posts.size());
        summary.put("tags", tags.size());
        summary.put("links", links.size());
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

    /** Target slug → the sentence of the first link to it in {@code html}. */
    static Map<String, String> linkContexts(String html) {
        Map<String, String> contexts = new LinkedHashMap<>();
        if (html.isBlank()) {
            return contexts;
        }
        Document document = Jsoup.parseBodyFragment(html);
        for (Element a : document.select("a[data-slug]")) {
            String target = a.attr("data-slug");
            if (target.isBlank() || contexts.containsKey(target)) {
                continue;
            }
            Element block = a;
            while (block.parent() != null && !block.isBlock()) {
                block = block.parent();
            }
            String text = block.text().trim();
            String anchor = a.text().trim();
            String sentence = text;
            for (String s : SENTENCE_END.split(text)) {
                if (!anchor.isEmpty() && s.contains(anchor)) {
                    sentence = s;
                    break;
                }
            }
            if (sentence.length() > CONTEXT_MAX) {
                int at = Math.max(0, sentence.indexOf(anchor));
                int from = Math.max(0, Math.min(at - CONTEXT_MAX / 3, sentence.length() - CONTEXT_MAX));
                sentence = (from > 0 ? "…" : "") + sentence.substring(from, Math.min(sentence.length(), from + CONTEXT_MAX)).trim() + "…";
            }
            contexts.put(target, sentence);
        }
        return contexts;
    }

    private static GitHistory.FileHistory fileHistory(GitHistory.History history, String path) {
        if (path.isEmpty()) {
            return null;
        }
        GitHistory.FileHistory exact = history.files().get(path);
        if (exact != null) {
            return exact;
        }
        return history.files().entrySet().stream().filter(e -> e.getKey().endsWith("/" + path))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private Map<String, Object> health(List<ObjectNode> posts, Map<String, List<Map<String, Object>>> backlinks,
                                       JsonNode issues, JsonNode medias, JsonNode graph, int shortPostWords) {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (ObjectNode post : posts) {
            String slug = post.path("slug").asText();
            String file = post.path("path").asText(slug);
            JsonNode fm = post.path("frontmatter");
            if (blank(fm.path("title")) ) {
                problems.add(problem("missing-title", file, slug, "no title in the frontmatter (the title falls back to \""
                        + post.path("title").asText() + "\")"));
            }
            if (blank(fm.path("description"))) {
                problems.add(problem("missing-description", file, slug, "no description in the frontmatter"));
            }
            int words = post.path("wordCount").asInt();
            if (words < shortPostWords) {
                problems.add(problem("short-post", file, slug, "only " + words + " words (fewer than " + shortPostWords + ")"));
            }
            boolean linksOut = post.path("links").size() > 0;
            boolean linksIn = !backlinks.getOrDefault(slug, List.of()).isEmpty() || post.path("backlinks").size() > 0;
            if (!linksOut && !linksIn) {
                problems.add(problem("orphan", file, slug, "no links to or from other posts"));
            }
        }
        Set<String> usedMedia = new TreeSet<>();
        for (JsonNode link : graph.path("links")) {
            if ("media".equals(link.path("type").asText())) {
                usedMedia.add(link.path("target").asText().replaceFirst("^media:", ""));
            }
        }
        for (JsonNode media : medias) {
            if (!usedMedia.contains(media.path("hash").asText())) {
                problems.add(problem("unused-media", media.path("path").asText(), null, "no post shows or links this file"));
            }
        }
        for (JsonNode issue : issues) {
            String kind = issue.path("kind").asText();
            if (kind.equals("broken-link") || kind.equals("missing-media") || kind.equals("slug-conflict")) {
                Map<String, Object> p = problem(kind, issue.path("file").asText(), null, issue.path("message").asText());
                if (issue.path("line").asInt() > 0) {
                    p.put("line", issue.path("line").asInt());
                }
                problems.add(p);
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        problems.forEach(p -> counts.merge((String) p.get("kind"), 1, Integer::sum));
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("posts", posts.size());
        health.put("counts", counts);
        health.put("problems", problems);
        return health;
    }

    private static Map<String, Object> problem(String kind, String file, String slug, String message) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kind", kind);
        p.put("file", file);
        if (slug != null) {
            p.put("slug", slug);
        }
        p.put("message", message);
        return p;
    }

    private static boolean blank(JsonNode node) {
        return node.isMissingNode() || node.isNull() || (node.isTextual() && node.asText().isBlank());
    }

    /** Per frontmatter key: the types seen, how many posts have it, and whether the types conflict. */
    static Map<String, Object> schema(List<ObjectNode> posts) {
        Map<String, Map<String, List<String>>> types = new TreeMap<>(); // key → type → slugs
        Map<String, Integer> counts = new TreeMap<>();
        for (ObjectNode post : posts) {
            JsonNode fm = post.path("frontmatter");
            Iterator<Map.Entry<String, JsonNode>> fields = fm.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                counts.merge(field.getKey(), 1, Integer::sum);
                types.computeIfAbsent(field.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(typeOf(field.getValue()), t -> new ArrayList<>()).add(post.path("slug").asText());
            }
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        types.forEach((key, byType) -> {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("types", List.copyOf(byType.keySet()));
            k.put("count", counts.get(key));
            k.put("coverage", posts.isEmpty() ? 0 : Math.round(1000.0 * counts.get(key) / posts.size()) / 1000.0);
            boolean conflict = byType.keySet().stream().filter(t -> !t.equals("null")).count() > 1;
            k.put("conflict", conflict);
            if (conflict) {
                Map<String, Object> examples = new TreeMap<>();
                byType.forEach((t, slugs) -> examples.put(t, slugs.subList(0, Math.min(5, slugs.size()))));
                k.put("postsByType", examples);
            }
            keys.put(key, k);
        });
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("posts", posts.size());
        schema.put("keys", keys);
        return schema;
    }

    static String typeOf(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isArray()) {
            return "list";
        }
        if (value.isObject()) {
            return "map";
        }
        return DATE.matcher(value.asText()).matches() ? "date" : "string";
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

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("enrich-data was cancelled");
        }
    }
}
