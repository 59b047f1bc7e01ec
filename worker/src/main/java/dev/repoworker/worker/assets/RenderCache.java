package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Canvas;
import dev.repoworker.embeddings.Post;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rendered notes kept between builds in {@code render-cache/} beside the media cache (so in {@code CACHE_DIR}), one
 * file per render. A render depends on the note's bytes, its path and slug, the build options that reach the HTML, the
 * whole link index (every note's path, slug, name, title and aliases; every media file's hash, size and variants: a
 * rename elsewhere can change where a link goes) and the notes it embeds, transitively. The first four make the key;
 * the embedded notes' hashes are kept in the entry and checked on use. A canvas is kept the same way: its cards read
 * only the index (titles, URLs, media) and the notes its text cards embed. The issues the render reported are kept and
 * reported again. Bump {@link #FORMAT} when rendering changes what it writes.
 */
final class RenderCache {

    static final String FORMAT = "render-cache 2";
    private static final Map<String, String> NO_DEPS = Map.of();

    /** What one render gave, as kept on disk; {@code deps} maps each transitively embedded note's path to its hash. */
    record Entry(
            Map<String, String> deps,
            List<Issue> issues,
            String html,
            String plain,
            String excerpt,
            List<Post.TocEntry> toc,
            String firstHeading,
            List<String> links,
            List<String> embeds,
            List<String> tags,
            List<String> media,
            String firstImage,
            Canvas canvas) {

        static Entry of(Rendered r, Map<String, String> deps, List<Issue> issues) {
            return new Entry(
                    deps,
                    issues,
                    r.html(),
                    r.plain(),
                    r.excerpt(),
                    r.toc(),
                    r.firstHeading(),
                    List.copyOf(r.links()),
                    List.copyOf(r.embeds()),
                    List.copyOf(r.tags()),
                    List.copyOf(r.media()),
                    r.firstImage(),
                    r.canvas());
        }

        Rendered rendered() {
            return new Rendered(
                    html,
                    plain,
                    excerpt,
                    List.copyOf(toc),
                    firstHeading,
                    new LinkedHashSet<>(links),
                    new LinkedHashSet<>(embeds),
                    new LinkedHashSet<>(tags),
                    new LinkedHashSet<>(media),
                    firstImage,
                    canvas);
        }
    }

    private final Optional<Path> dir;
    private final String context;
    private final LinkIndex index;
    private final BuildOptions options;
    private final Issues issues;
    private final Map<String, Note> byPath = new HashMap<>();
    private final Map<String, Note> bySlug = new HashMap<>();
    private final Map<String, List<Issue>> fresh = new ConcurrentHashMap<>();
    private final AtomicInteger reused = new AtomicInteger();

    private RenderCache(
            Optional<Path> dir,
            LinkIndex index,
            BuildOptions options,
            Issues issues,
            List<Note> notes,
            List<MediaFile> media) {
        this.dir = dir;
        this.index = index;
        this.options = options;
        this.issues = issues;
        notes.forEach(n -> {
            byPath.put(n.path(), n);
            bySlug.put(n.slug(), n);
        });
        this.context = dir.isPresent() ? context(options, notes, media) : "";
    }

    /** The cache of a build whose options have a media cache folder; without one it renders every note. */
    static RenderCache open(
            BuildOptions options, LinkIndex index, Issues issues, List<Note> notes, List<MediaFile> media) {
        Optional<Path> dir = options.mediaCacheDir().map(mediaCache -> mediaCache.resolveSibling("render-cache"));
        return new RenderCache(dir, index, options, issues, notes, media);
    }

    /** The note's render, from the cache when its key and embedded notes match; issues reported either way. */
    Rendered render(Note note) {
        Optional<Entry> kept = read(note);
        if (kept.isPresent()) {
            reused.incrementAndGet();
            kept.get().issues().forEach(i -> issues.add(i.kind(), i.file(), i.line(), i.message()));
            return kept.get().rendered();
        }
        Issues own = new Issues();
        MarkdownRenderer markdown = new MarkdownRenderer(index, options, own);
        Rendered rendered = note.isCanvas() ? new CanvasRenderer(markdown, own, note).render() : markdown.render(note);
        List<Issue> found = own.sorted();
        found.forEach(i -> issues.add(i.kind(), i.file(), i.line(), i.message()));
        fresh.put(note.path(), found);
        return rendered;
    }

    int reused() {
        return reused.get();
    }

    /**
     * Keeps the renders made in this build, on {@code threads} threads; {@code rendered} is in the order of
     * {@code notes}. A failed write is a miss next time.
     */
    void keep(List<Note> notes, List<Rendered> rendered, int threads) throws InterruptedException {
        if (dir.isEmpty() || fresh.isEmpty()) {
            return;
        }
        Map<String, Rendered> bySlugRendered = new HashMap<>();
        for (int i = 0; i < notes.size(); i++) {
            bySlugRendered.put(notes.get(i).slug(), rendered.get(i));
        }
        try {
            Parallel.forEach(notes.size(), threads, "render-cache", i -> {
                Note note = notes.get(i);
                List<Issue> found = fresh.get(note.path());
                if (found != null) {
                    write(note, Entry.of(rendered.get(i), embedded(note, bySlugRendered), found));
                }
            });
        } catch (IOException e) {
            // the cache folder cannot be written: the renders not kept are made again next time
        }
    }

    /** Path → hash of every note {@code note} embeds, directly or through the notes it embeds. */
    private Map<String, String> embedded(Note note, Map<String, Rendered> bySlugRendered) {
        Map<String, String> deps = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>(bySlugRendered.get(note.slug()).embeds());
        while (!todo.isEmpty()) {
            Note target = bySlug.get(todo.pop());
            if (target != null
                    && !target.path().equals(note.path())
                    && deps.putIfAbsent(target.path(), target.hash()) == null) {
                todo.addAll(bySlugRendered.get(target.slug()).embeds());
            }
        }
        return deps.isEmpty() ? NO_DEPS : deps;
    }

    private Optional<Entry> read(Note note) {
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path file = file(note);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Entry entry = Json.mapper().readValue(file.toFile(), Entry.class);
            for (Map.Entry<String, String> dep : entry.deps().entrySet()) {
                Note now = byPath.get(dep.getKey());
                if (now == null || !now.hash().equals(dep.getValue())) {
                    return Optional.empty();
                }
            }
            return Optional.of(entry);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void write(Note note, Entry entry) throws IOException {
        Path file = file(note);
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), ".entry", ".tmp");
        try {
            Json.mapper().writeValue(temp.toFile(), entry);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path file(Note note) {
        String key = sha256(context + "\n" + note.path() + "\n" + note.slug() + "\n" + note.hash());
        return dir.orElseThrow().resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /** Everything but the note itself that a render reads: the format, the options and the link index. */
    private static String context(BuildOptions options, List<Note> notes, List<MediaFile> media) {
        StringBuilder s = new StringBuilder(FORMAT)
                .append('\n')
                .append(options.notePrefix())
                .append('\n')
                .append(options.mediaPrefix())
                .append('\n')
                .append(options.domain())
                .append('\n')
                .append(options.limits())
                .append('\n');
        notes.stream()
                .sorted(Comparator.comparing(Note::path))
                .forEach(n -> s.append("note\0")
                        .append(n.path())
                        .append('\0')
                        .append(n.slug())
                        .append('\0')
                        .append(n.name())
                        .append('\0')
                        .append(n.frontmatterTitle())
                        .append('\0')
                        .append(n.aliases())
                        .append('\n'));
        media.stream()
                .sorted(Comparator.comparing(MediaFile::path))
                .forEach(m -> s.append("media\0")
                        .append(m.path())
                        .append('\0')
                        .append(m.kind())
                        .append('\0')
                        .append(m.size())
                        .append('\0')
                        .append(m.hash())
                        .append('\0')
                        .append(m.width())
                        .append('x')
                        .append(m.height())
                        .append('\0')
                        .append(m.refused())
                        .append('\0')
                        .append(m.variants())
                        .append('\0')
                        .append(m.original())
                        .append('\n'));
        return sha256(s.toString());
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
