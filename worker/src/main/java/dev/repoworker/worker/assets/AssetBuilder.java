package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Post;
import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The build from a directory already on disk: scan → media → render → write. This is the entry point for the
 * {@code build-assets} task, the pipelines and the local {@code repo-worker process} command.
 */
public final class AssetBuilder {

    /**
     * Builds the notes under {@code repoRoot}/{@code options.repositoryFolder()} into {@code outDir} (created if
     * missing): posts.json, posts/{slug}.json, posts-index.json, medias.json, media/…, graph.json, issues.json.
     * The manifest is the artifact store's job ({@link Manifest#write}). Stops with InterruptedException when the
     * thread is interrupted.
     *
     * @throws TaskFailedException when the folder to build does not exist or leaves the repository
     */
    public BuildReport build(Path repoRoot, BuildOptions options, Path outDir, ProgressListener progress)
            throws TaskFailedException, IOException, InterruptedException {
        Map<String, Long> durations = new LinkedHashMap<>();
        Issues issues = new Issues();
        Path root = buildRoot(repoRoot, options.repositoryFolder());
        Files.createDirectories(outDir);

        long t0 = System.nanoTime();
        Scanned scanned = scan(root, options, issues, progress);
        durations.put("scan", millisSince(t0));

        long t1 = System.nanoTime();
        MediaOptimizer.Processed processed = MediaOptimizer.process(scanned.media, outDir, options, issues, progress);
        List<MediaFile> media = processed.media();
        MediaOptimizer.Stats mediaStats = processed.stats();
        durations.put("media", millisSince(t1));

        long t2 = System.nanoTime();
        List<Note> notes = SlugAssigner.assign(scanned.notes, issues);
        LinkIndex index = new LinkIndex(notes, media);
        MarkdownRenderer renderer = new MarkdownRenderer(index, options, issues);
        RenderCache cache = RenderCache.open(options, index, issues, notes, media);
        List<Rendered> rendered = renderAll(notes, cache::render, options, progress);
        cache.keep(notes, rendered, options.effectiveThreads());
        progress.report(new Progress(
                "render",
                notes.size(),
                notes.size(),
                cache.reused() + " of " + notes.size() + " notes reused from the render cache"));
        List<Post> posts = Posts.assemble(notes, rendered, renderer);
        durations.put("render", millisSince(t2));

        long t3 = System.nanoTime();
        progress.report(new Progress("write", 0, posts.size(), "writing " + posts.size() + " posts"));
        OutputWriter.Written written =
                OutputWriter.write(outDir, posts, rendered, notes, media, issues.sorted(), options.effectiveThreads());
        progress.report(new Progress("write", posts.size(), posts.size(), "wrote " + written.files() + " files"));
        durations.put("write", millisSince(t3));

        List<Issue> all = issues.sorted();
        return new BuildReport(
                scanned.notesFound,
                posts.size(),
                scanned.excludedPrivate,
                media.size(),
                mediaStats.processed(),
                mediaStats.reused(),
                mediaStats.variants(),
                all.size(),
                issues.countsByKind(),
                written.files(),
                written.bytes(),
                durations);
    }

    private static Path buildRoot(Path repoRoot, String folder) throws TaskFailedException, IOException {
        Path realRepo = repoRoot.toRealPath();
        Path root = folder.isEmpty() ? realRepo : realRepo.resolve(folder).normalize();
        if (!root.startsWith(realRepo)) {
            throw new TaskFailedException("repositoryFolder leaves the repository");
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(root)) {
                throw new TaskFailedException("repositoryFolder is a symbolic link; not followed");
            }
            throw new TaskFailedException("repositoryFolder '" + folder + "' is not a folder of the repository");
        }
        Path realRoot = root.toRealPath();
        if (!realRoot.startsWith(realRepo)) {
            throw new TaskFailedException(
                    "repositoryFolder leaves the repository through a symbolic link; not followed");
        }
        return realRoot;
    }

    private record Scanned(List<Note> notes, List<MediaFile> media, int notesFound, int excludedPrivate) {}

    private static Scanned scan(Path root, BuildOptions options, Issues issues, ProgressListener progress)
            throws IOException, InterruptedException {
        progress.report(new Progress("scan", 0, 0, "selecting files"));
        IgnoreRules rules = IgnoreRules.load(root, options.ignoreFiles(), issues);
        Vault.Selection selection = Vault.scan(root, rules, issues);
        checkInterrupted();
        Map<String, String> gitDates = GitDates.lastCommitDates(root);
        int total = selection.notes().size() + selection.media().size();
        List<Vault.Entry> entries = selection.notes();
        Note[] read = new Note[entries.size()];
        AtomicInteger done = new AtomicInteger();
        Parallel.forEach(entries.size(), options.effectiveThreads(), "read-notes", i -> {
            if (done.incrementAndGet() % 500 == 0) {
                progress.report(new Progress("scan", done.get(), total, "reading notes"));
            }
            read[i] = read(entries.get(i), options, gitDates, issues).orElse(null);
        });
        List<Note> notes = new ArrayList<>();
        int excluded = 0;
        for (Note note : read) {
            if (note == null) {
                continue;
            }
            if (!options.includePrivate() && isPrivate(note)) {
                excluded++;
                continue;
            }
            notes.add(note);
        }
        List<MediaFile> media = new ArrayList<>();
        for (Vault.Entry entry : selection.media()) {
            if (done.incrementAndGet() % 50 == 0) {
                checkInterrupted();
                progress.report(new Progress("scan", done.get(), total, "reading media headers"));
            }
            media.add(MediaProbe.probe(entry, options, issues));
        }
        progress.report(new Progress("scan", total, total, notes.size() + " notes, " + media.size() + " media"));
        return new Scanned(notes, media, selection.notes().size(), excluded);
    }

    /** The note (or canvas) of a selected file, or empty (reported) when the file is too large or cannot be read. */
    private static Optional<Note> read(
            Vault.Entry entry, BuildOptions options, Map<String, String> gitDates, Issues issues) {
        if (entry.size() > options.limits().maxNoteBytes()) {
            issues.add(
                    Issue.FILE_TOO_LARGE,
                    entry.path(),
                    0,
                    "note of " + entry.size() + " bytes is over the limit of "
                            + options.limits().maxNoteBytes() + "; skipped");
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(entry.file());
            String updated = gitDates.get(entry.path());
            if (updated == null) {
                updated = Files.getLastModifiedTime(entry.file())
                        .toInstant()
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString();
            }
            return entry.kind() == Vault.Kind.CANVAS
                    ? canvas(entry.path(), bytes, updated, issues)
                    : Optional.of(note(entry.path(), bytes, updated, issues));
        } catch (IOException e) {
            issues.add(
                    Issue.UNREADABLE,
                    entry.path(),
                    0,
                    "could not be read (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    /**
     * A note from its bytes: UTF-8 (invalid bytes replaced and reported), CRLF → LF, BOM dropped, the renderer's
     * placeholder characters neutralised, frontmatter parsed (problems reported).
     */
    static Note note(String path, byte[] bytes, String updated, Issues issues) {
        String source = Utf8.decode(bytes, path, issues).replace("\r\n", "\n");
        if (source.startsWith("\uFEFF")) {
            source = source.substring(1);
        }
        source = ObsidianSyntax.neutralizePlaceholders(source);
        Frontmatter.Parsed fm = Frontmatter.parse(source);
        fm.problem().ifPresent(p -> issues.add(Issue.FRONTMATTER, path, 1, p));
        Map<String, Object> values = fm.values();
        List<String> tags = Frontmatter.strings(values, "tags", "tag").stream()
                .map(t -> t.startsWith("#") ? t.substring(1) : t)
                .filter(t -> !t.isBlank())
                .toList();
        return new Note(
                path,
                Note.folderOf(path),
                Note.nameOf(path),
                source,
                values,
                fm.lines(),
                null,
                Frontmatter.string(values, "title").orElse(null),
                Frontmatter.strings(values, "aliases", "alias"),
                tags,
                Manifest.sha256(bytes),
                updated,
                null);
    }

    /**
     * The note of a {@code .canvas} file: no frontmatter, its source the JSON, its {@code canvas} the parsed file; empty
     * (reported as {@code invalid-canvas}) when the file is not a canvas. Elements left out are reported too.
     */
    static Optional<Note> canvas(String path, byte[] bytes, String updated, Issues issues) {
        String source = Utf8.decode(bytes, path, issues);
        if (source.startsWith("\uFEFF")) {
            source = source.substring(1);
        }
        try {
            CanvasFile canvas = CanvasFile.parse(source, problem -> issues.add(Issue.INVALID_CANVAS, path, 0, problem));
            return Optional.of(new Note(
                    path,
                    Note.folderOf(path),
                    Note.nameOf(path),
                    source,
                    Map.of(),
                    0,
                    null,
                    null,
                    List.of(),
                    List.of(),
                    Manifest.sha256(bytes),
                    updated,
                    canvas));
        } catch (CanvasFile.Invalid e) {
            issues.add(Issue.INVALID_CANVAS, path, 0, e.getMessage() + "; skipped");
            return Optional.empty();
        }
    }

    static boolean isPrivate(Note note) {
        return !Frontmatter.flag(note.frontmatter(), "public", true)
                || Frontmatter.flag(note.frontmatter(), "draft", false)
                || Frontmatter.flag(note.frontmatter(), "private", false);
    }

    private static List<Rendered> renderAll(
            List<Note> notes, Function<Note, Rendered> renderer, BuildOptions options, ProgressListener progress)
            throws IOException, InterruptedException {
        int n = notes.size();
        Rendered[] out = new Rendered[n];
        progress.report(new Progress("render", 0, n, "rendering " + n + " notes"));
        Parallel.forEach(n, Math.min(options.effectiveThreads(), Math.max(1, n / 50)), "markdown-render", i -> {
            out[i] = renderer.apply(notes.get(i));
            if (i % 200 == 0) {
                progress.report(new Progress("render", i, n, notes.get(i).path()));
            }
        });
        progress.report(new Progress("render", n, n, "rendered " + n + " notes"));
        return List.of(out);
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("build interrupted");
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
