package dev.repoworker.worker.assets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One note (or canvas) through the build's own render path (note reading, slugs, link index, {@link MarkdownRenderer})
 * beside a few neighbours to link to and embed and a few media ({@code images/photo.png}, {@code sounds/talk.mp3},
 * {@code docs/paper.pdf}), without files: for the XSS vectors and the fuzzing.
 */
final class Render {

    /** What rendering gave: the post's HTML and the issues found on the way. */
    record Result(String html, List<Issue> issues) {}

    private static final String UPDATED = "2024-01-01T00:00:00Z";

    private Render() {}

    static Result markdown(String source) {
        return bytes(source.getBytes(StandardCharsets.UTF_8));
    }

    /** The HTML of a note that embeds the note made of {@code source} ({@code ![[subject]]}). */
    static Result embedding(String source) {
        return render(source.getBytes(StandardCharsets.UTF_8), 2);
    }

    static Result bytes(byte[] source) {
        return render(source, 0);
    }

    /** The HTML of the canvas made of {@code json} ({@code board.canvas}), beside the same neighbours. */
    static Result canvas(String json) {
        Issues issues = new Issues();
        Note canvas = AssetBuilder.canvas("board.canvas", json.getBytes(StandardCharsets.UTF_8), UPDATED, issues)
                .orElseThrow(() -> new AssertionError("not a canvas: " + issues.sorted()));
        List<Note> notes = SlugAssigner.assign(withNeighbours(canvas, issues), issues);
        Rendered rendered = new CanvasRenderer(renderer(notes, issues), issues, notes.get(0)).render();
        return new Result(rendered.html(), issues.sorted());
    }

    private static Result render(byte[] source, int which) {
        Issues issues = new Issues();
        List<Note> notes = withNeighbours(AssetBuilder.note("subject.md", source, UPDATED, issues), issues);
        List<Note> slugged = SlugAssigner.assign(notes, issues);
        Rendered rendered = renderer(slugged, issues).render(slugged.get(which));
        return new Result(rendered.html(), issues.sorted());
    }

    private static MarkdownRenderer renderer(List<Note> slugged, Issues issues) {
        BuildOptions options = BuildOptions.defaults();
        return new MarkdownRenderer(
                new LinkIndex(
                        slugged,
                        List.of(
                                image(options),
                                original("sounds/talk.mp3", Vault.Kind.AUDIO, "b", options),
                                original("docs/paper.pdf", Vault.Kind.PDF, "c", options))),
                options,
                issues);
    }

    private static List<Note> withNeighbours(Note subject, Issues issues) {
        List<Note> notes = new ArrayList<>();
        notes.add(subject);
        notes.add(AssetBuilder.note(
                "Target Note.md",
                "# Target\n\nTarget text. ^block-1\n\n## Part\n\nMore.\n".getBytes(StandardCharsets.UTF_8),
                UPDATED,
                issues));
        notes.add(AssetBuilder.note(
                "folder/Embedded.md",
                "Embedded <b>bold</b> and ![[subject]]\n".getBytes(StandardCharsets.UTF_8),
                UPDATED,
                issues));
        return notes;
    }

    /** A media file published as it is (audio, video, PDF). */
    private static MediaFile original(String path, Vault.Kind kind, String hashDigit, BuildOptions options) {
        String hash = hashDigit.repeat(64);
        return new MediaFile(
                path,
                Path.of(path),
                kind,
                1000,
                hash,
                0,
                0,
                Optional.empty(),
                List.of(),
                Optional.of(options.mediaBase() + "/" + hash + "." + Vault.extension(path)));
    }

    private static MediaFile image(BuildOptions options) {
        String hash = "a".repeat(64);
        return new MediaFile(
                "images/photo.png",
                Path.of("images/photo.png"),
                Vault.Kind.IMAGE,
                1000,
                hash,
                800,
                600,
                Optional.empty(),
                MediaOptimizer.plan(hash, 800, 600, options.mediaBase()),
                Optional.empty());
    }
}
