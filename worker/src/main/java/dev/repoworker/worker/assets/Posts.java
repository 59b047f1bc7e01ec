package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Post;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Notes and their renders → posts, with titles, merged tags, links and backlinks; sorted by slug. */
final class Posts {

    static final int WORDS_PER_MINUTE = 200;

    private Posts() {}

    static List<Post> assemble(List<Note> notes, List<Rendered> rendered, MarkdownRenderer renderer) {
        Map<String, TreeSet<String>> backlinks = new HashMap<>();
        for (int i = 0; i < notes.size(); i++) {
            for (String target : outgoing(rendered.get(i))) {
                backlinks
                        .computeIfAbsent(target, k -> new TreeSet<>())
                        .add(notes.get(i).slug());
            }
        }
        List<Post> posts = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            Note note = notes.get(i);
            Rendered r = rendered.get(i);
            String title = note.frontmatterTitle() != null
                    ? note.frontmatterTitle()
                    : r.firstHeading() != null && !r.firstHeading().isBlank() ? r.firstHeading() : note.name();
            int words = words(r.plain());
            posts.add(new Post(
                    note.slug(),
                    title,
                    note.path(),
                    renderer.noteUrl(note),
                    note.hash(),
                    note.updated(),
                    tags(note, r),
                    List.copyOf(note.aliases()),
                    List.copyOf(outgoing(r)),
                    List.copyOf(backlinks.getOrDefault(note.slug(), new TreeSet<>())),
                    words,
                    Math.max(1, (words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE),
                    r.excerpt(),
                    r.firstImage(),
                    r.toc(),
                    note.frontmatter(),
                    r.plain(),
                    r.html(),
                    r.canvas()));
        }
        posts.sort(Comparator.comparing(Post::slug));
        return posts;
    }

    /** The words of a post's plain text (stripped): runs of characters between ASCII white space. */
    static int words(String plain) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    static TreeSet<String> outgoing(Rendered r) {
        TreeSet<String> out = new TreeSet<>(r.links());
        out.addAll(r.embeds());
        return out;
    }

    /** Frontmatter and inline tags, de-duplicated case-insensitively (first spelling kept), sorted. */
    private static List<String> tags(Note note, Rendered r) {
        Map<String, String> unique = new LinkedHashMap<>();
        note.frontmatterTags().forEach(t -> unique.putIfAbsent(t.toLowerCase(Locale.ROOT), t));
        r.tags().forEach(t -> unique.putIfAbsent(t.toLowerCase(Locale.ROOT), t));
        return unique.values().stream()
                .sorted(String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()))
                .toList();
    }
}
