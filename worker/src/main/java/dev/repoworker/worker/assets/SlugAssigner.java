package dev.repoworker.worker.assets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Slugs: the frontmatter {@code slug} wins, else the slugified file name; {@code index.md} and {@code README.md}
 * take their folder's name. Notes that want the same slug are ordered (frontmatter slugs first, then Markdown notes
 * before canvases, then by path): the first keeps it, the others get {@code -2}, {@code -3}…, and each renamed note is reported.
 */
final class SlugAssigner {

    private SlugAssigner() {}

    static List<Note> assign(List<Note> notes, Issues issues) {
        Map<String, List<Note>> groups = new TreeMap<>();
        Map<Note, Boolean> explicit = new HashMap<>();
        for (Note note : notes) {
            String fmSlug = Frontmatter.string(note.frontmatter(), "slug").orElse(null);
            explicit.put(note, fmSlug != null);
            groups.computeIfAbsent(base(note, fmSlug), k -> new ArrayList<>()).add(note);
        }
        Set<String> used = new HashSet<>(groups.keySet());
        Map<String, Note> byPath = new HashMap<>();
        for (Map.Entry<String, List<Note>> group : groups.entrySet()) {
            List<Note> members = group.getValue();
            members.sort(Comparator.comparing((Note n) -> !explicit.get(n))
                    .thenComparing(Note::isCanvas)
                    .thenComparing(Note::path));
            Note first = members.get(0);
            byPath.put(first.path(), first.withSlug(group.getKey()));
            int n = 2;
            for (Note other : members.subList(1, members.size())) {
                String slug;
                do {
                    slug = group.getKey() + "-" + n++;
                } while (!used.add(slug));
                issues.add(
                        Issue.SLUG_CONFLICT,
                        other.path(),
                        0,
                        "slug '" + group.getKey() + "' is taken by " + first.path() + "; this note is '" + slug + "'");
                byPath.put(other.path(), other.withSlug(slug));
            }
        }
        return notes.stream().map(n -> byPath.get(n.path())).toList();
    }

    static String base(Note note, String fmSlug) {
        if (fmSlug != null) {
            return Slugs.slugify(fmSlug);
        }
        String name = note.name().toLowerCase(Locale.ROOT);
        if (!note.isCanvas() && (name.equals("index") || name.equals("readme"))) {
            String folder = note.folder();
            return folder.isEmpty() ? "index" : Slugs.slugify(folder.substring(folder.lastIndexOf('/') + 1));
        }
        return Slugs.slugify(note.name());
    }
}
