package dev.repoworker.worker.assets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One note through the build's own render path (note reading, slugs, link index, {@link MarkdownRenderer}) beside a
 * few neighbours to link to and embed and a few media ({@code images/photo.png}, {@code sounds/talk.mp3},
 * {@code docs/paper.pdf}), without files: for the XSS vectors and the fuzzing.
 */
final class Render {

    /** What rendering gave: the post's HTML and the issues found on the way. */
    record Result(String html, List<Issue> issues) {
    }

    private static final String UPDATED = "2024-01-01T00:00:00Z";

    private Render() {
    }

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

    private static Result render(byte[] source, int which) {
        Issues issues = new Issues();
        List<Note> notes = new ArrayList<>();
        notes.add(AssetBuilder.note("subject.md", source, UPDATED, issues));
        notes.add(AssetBuilder.note("Target Note.md", "# Target\n\nTarget text. ^block-1\n\n## Part\n\nMore.\n"
                .getBytes(StandardCharsets.UTF_8), UPDATED, issues));
        notes.add(AssetBuilder.note("folder/Embedded.md", "Embedded <b>bold</b> and ![[subject]]\n"
                .getBytes(StandardCharsets.UTF_8), UPDATED, issues));
        List<Note> slugged = SlugAssigner.assign(notes, issues);
        BuildOptions options = BuildOptions.defaults();
        MarkdownRenderer renderer = new MarkdownRenderer(new LinkIndex(slugged, List.of(image(options),
                original("sounds/talk.mp3", Vault.Kind.AUDIO, "b", options), original("docs/paper.pdf", Vault.Kind.PDF, "c", options))),
                options, issues);
        Rendered rendered = renderer.render(slugged.get(which));
        return new Result(rendered.html(), issues.sorted());
    }

    /** A media file published as it is (audio, video, PDF). */
    private static MediaFile original(String path, Vault.Kind kind, String hashDigit, BuildOptions options) {
        String hash = hashDigit.repeat(64);
        return new MediaFile(path, Path.of(path), kind, 1000, hash, 0, 0, Optional.empty(), List.of(),
                Optional.of(options.mediaBase() + "/" + hash + "." + Vault.extension(path)));
    }

    private static MediaFile image(BuildOptions options) {
        String hash = "a".repeat(64);
        return new MediaFile("images/photo.png", Path.of("images/photo.png"), Vault.Kind.IMAGE, 1000, hash, 800, 600,
                Optional.empty(), MediaOptimizer.plan(hash, 800, 600, options.mediaBase()), Optional.empty());
    }
}
