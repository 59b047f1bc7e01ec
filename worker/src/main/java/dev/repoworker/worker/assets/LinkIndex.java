package dev.repoworker.worker.assets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves link targets to notes and media. Notes: by path (when the target has a folder), then slug,
 * then aliases, then file name, case-insensitively; a match in the linking note's folder beats the tier order;
 * among equals the shortest path wins, then the first path. A canvas is found by its file name with or without
 * {@code .canvas}; {@code [[Board]]} finds {@code Board.md} before a {@code Board.canvas} beside it (the note keeps
 * the slug, and among file names the shorter path wins). Media: by path relative to the note, then from the root,
 * then by file name anywhere (same preference). A target that climbs out of the root is refused.
 */
final class LinkIndex {

    /** Outcome of a lookup: found, not found, or refused because the path leaves the root. */
    record Lookup<T>(Optional<T> target, boolean unsafe) {
        static <T> Lookup<T> of(Optional<T> t) {
            return new Lookup<>(t, false);
        }

        static <T> Lookup<T> refused() {
            return new Lookup<>(Optional.empty(), true);
        }
    }

    private final Map<String, List<Note>> notesByPath = new HashMap<>();
    private final Map<String, List<Note>> notesBySlug = new HashMap<>();
    private final Map<String, List<Note>> notesByAlias = new HashMap<>();
    private final Map<String, List<Note>> notesByName = new HashMap<>();
    private final Map<String, List<MediaFile>> mediaByPath = new HashMap<>();
    private final Map<String, List<MediaFile>> mediaByName = new HashMap<>();
    private final Map<String, Note> bySlugExact = new HashMap<>();

    LinkIndex(List<Note> notes, List<MediaFile> media) {
        for (Note n : notes) {
            add(notesByPath, stripMd(n.path()), n);
            add(notesBySlug, n.slug(), n);
            n.aliases().forEach(a -> add(notesByAlias, a, n));
            add(notesByName, n.name(), n);
            if (n.isCanvas()) {
                add(notesByName, n.path().substring(n.path().lastIndexOf('/') + 1), n);
            }
            bySlugExact.put(n.slug(), n);
        }
        for (MediaFile m : media) {
            add(mediaByPath, m.path(), m);
            add(mediaByName, m.name(), m);
        }
    }

    Optional<Note> bySlug(String slug) {
        return Optional.ofNullable(bySlugExact.get(slug));
    }

    Lookup<Note> note(String target, String fromFolder) {
        String t = stripMd(target.strip());
        if (t.isEmpty()) {
            return Lookup.of(Optional.empty());
        }
        if (t.contains("/")) {
            Optional<String> path = normalize(t.startsWith("/") ? t.substring(1) : t);
            Optional<String> relative = t.startsWith("/") ? Optional.empty() : normalize(join(fromFolder, t));
            if (path.isEmpty() && relative.isEmpty()) {
                return Lookup.refused();
            }
            for (Optional<String> p : List.of(relative, path)) {
                if (p.isPresent()) {
                    Optional<Note> found = best(notesByPath.get(key(p.get())), fromFolder, Note::path);
                    if (found.isPresent()) {
                        return Lookup.of(found);
                    }
                }
            }
        }
        String name = t.substring(t.lastIndexOf('/') + 1);
        // Candidates of every tier; a note in the linking note's folder wins, then the earlier tier.
        List<Map<String, List<Note>>> tiers = List.of(notesBySlug, notesByAlias, notesByName);
        Note best = null;
        int bestRank = Integer.MAX_VALUE;
        for (int tier = 0; tier < tiers.size(); tier++) {
            List<Note> candidates = new ArrayList<>(tiers.get(tier).getOrDefault(key(t), List.of()));
            if (!name.equals(t)) {
                candidates.addAll(tiers.get(tier).getOrDefault(key(name), List.of()));
            }
            Optional<Note> found = best(candidates, fromFolder, Note::path);
            if (found.isPresent()) {
                int rank = (found.get().folder().equals(fromFolder) ? 0 : 10) + tier;
                if (rank < bestRank) {
                    best = found.get();
                    bestRank = rank;
                }
            }
        }
        if (best != null) {
            return Lookup.of(Optional.of(best));
        }
        return Lookup.of(best(notesBySlug.get(Slugs.slugify(name)), fromFolder, Note::path));
    }

    Lookup<MediaFile> media(String target, String fromFolder) {
        String t = target.strip();
        if (t.isEmpty()) {
            return Lookup.of(Optional.empty());
        }
        Optional<String> rootPath = normalize(t.startsWith("/") ? t.substring(1) : t);
        Optional<String> relative = t.startsWith("/") ? Optional.empty() : normalize(join(fromFolder, t));
        if (relative.isEmpty() && rootPath.isEmpty()) {
            return Lookup.refused();
        }
        for (Optional<String> p : List.of(relative, rootPath)) {
            if (p.isPresent()) {
                Optional<MediaFile> found = best(mediaByPath.get(key(p.get())), fromFolder, MediaFile::path);
                if (found.isPresent()) {
                    return Lookup.of(found);
                }
            }
        }
        String name = t.substring(t.lastIndexOf('/') + 1);
        return Lookup.of(best(mediaByName.get(key(name)), fromFolder, MediaFile::path));
    }

    private static <T> void add(Map<String, List<T>> map, String k, T value) {
        map.computeIfAbsent(key(k), x -> new ArrayList<>()).add(value);
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static <T> Optional<T> best(List<T> candidates, String fromFolder, Function<T, String> pathOf) {
        if (candidates == null || candidates.isEmpty()) {
            return Optional.empty();
        }
        return candidates.stream()
                .min(Comparator.comparing(
                                (T c) -> !Note.folderOf(pathOf.apply(c)).equals(fromFolder))
                        .thenComparing(c -> pathOf.apply(c).length())
                        .thenComparing(pathOf));
    }

    static String stripMd(String s) {
        return s.toLowerCase(Locale.ROOT).endsWith(".md") ? s.substring(0, s.length() - 3) : s;
    }

    private static String join(String folder, String path) {
        return folder.isEmpty() ? path : folder + "/" + path;
    }

    /** Resolves {@code .} and {@code ..}; empty when the path climbs above the root. */
    static Optional<String> normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return Optional.of(String.join("/", parts));
    }
}
