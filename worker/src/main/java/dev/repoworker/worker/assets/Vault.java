package dev.repoworker.worker.assets;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * File selection: every {@code *.md} note, every {@code *.canvas} (JSON Canvas) and every media file under the root,
 * minus what {@link IgnoreRules} skips. Symbolic links are never followed out of the root: a link that resolves outside
 * (to a file or a folder) is reported and left unread; a link to a regular file inside is used; links to folders are
 * not walked. Only regular files are read (a named pipe called {@code x.md} would block the build).
 */
final class Vault {

    enum Kind {
        NOTE,
        CANVAS,
        IMAGE,
        SVG,
        VIDEO,
        AUDIO,
        PDF;

        /** Media are shown or linked by posts; notes and canvases become posts. */
        boolean isMedia() {
            return this != NOTE && this != CANVAS;
        }
    }

    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "webp");
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "webm", "mov", "m4v", "ogv");
    static final Set<String> AUDIO_EXTENSIONS = Set.of("mp3", "wav", "m4a", "flac", "ogg", "oga", "opus");

    /** A selected file: path relative to the root with {@code /}, and the path to read it from. */
    record Entry(String path, Path file, Kind kind, long size) {}

    /** {@code notes} holds the files that become posts: Markdown notes and canvases. */
    record Selection(List<Entry> notes, List<Entry> media) {}

    private Vault() {}

    static Optional<Kind> kindOf(String fileName) {
        String ext = extension(fileName);
        if (ext.equals("md")) {
            return Optional.of(Kind.NOTE);
        }
        if (ext.equals("canvas")) {
            return Optional.of(Kind.CANVAS);
        }
        if (IMAGE_EXTENSIONS.contains(ext)) {
            return Optional.of(Kind.IMAGE);
        }
        if (ext.equals("svg")) {
            return Optional.of(Kind.SVG);
        }
        if (VIDEO_EXTENSIONS.contains(ext)) {
            return Optional.of(Kind.VIDEO);
        }
        if (AUDIO_EXTENSIONS.contains(ext)) {
            return Optional.of(Kind.AUDIO);
        }
        if (ext.equals("pdf")) {
            return Optional.of(Kind.PDF);
        }
        return Optional.empty();
    }

    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static Selection scan(Path root, IgnoreRules rules, Issues issues) throws IOException {
        Walk walk = new Walk(root, root.toRealPath(), rules, issues);
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 64, walk);
        walk.notes.sort(Comparator.comparing(Entry::path));
        walk.media.sort(Comparator.comparing(Entry::path));
        return new Selection(walk.notes, walk.media);
    }

    /** One walk of the root: collects the selected notes and media, and reports what it may not read. */
    private static final class Walk extends SimpleFileVisitor<Path> {
        private final Path root;
        private final Path realRoot;
        private final IgnoreRules rules;
        private final Issues issues;
        final List<Entry> notes = new ArrayList<>();
        final List<Entry> media = new ArrayList<>();

        Walk(Path root, Path realRoot, IgnoreRules rules, Issues issues) {
            this.root = root;
            this.realRoot = realRoot;
            this.rules = rules;
            this.issues = issues;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (Thread.currentThread().isInterrupted()) {
                return FileVisitResult.TERMINATE;
            }
            if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
            }
            String rel = relative(root, dir);
            if (IgnoreRules.skippedFolder(dir.getFileName().toString()) || rules.ignored(rel, true)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            String name = file.getFileName().toString();
            Optional<Kind> kind = kindOf(name);
            String rel = relative(root, file);
            if (attrs.isSymbolicLink()) {
                visitLink(file, name, kind, rel);
            } else if (kind.isPresent()
                    && !name.startsWith(".")
                    && !rules.ignored(rel, false)
                    && attrs.isRegularFile()) {
                add(new Entry(rel, file, kind.get(), attrs.size()));
            }
            return FileVisitResult.CONTINUE;
        }

        /** A link is read only when it resolves to a regular file inside the root; one leading out is reported. */
        private void visitLink(Path link, String name, Optional<Kind> kind, String rel) throws IOException {
            boolean folder = Files.isDirectory(link);
            if ((kind.isEmpty() && !folder) || name.startsWith(".") || rules.ignored(rel, folder)) {
                return;
            }
            Optional<Path> target = insideTarget(realRoot, link);
            if (target.isEmpty()) {
                issues.add(
                        Issue.UNSAFE_SYMLINK,
                        rel,
                        0,
                        folder
                                ? "symbolic link to a folder outside the repository; not followed"
                                : "symbolic link points outside the repository (or nowhere); not read");
                return;
            }
            if (folder || kind.isEmpty() || !Files.isRegularFile(target.get(), LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            add(new Entry(rel, target.get(), kind.get(), Files.size(target.get())));
        }

        private void add(Entry entry) {
            (entry.kind().isMedia() ? media : notes).add(entry);
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
            issues.add(Issue.UNREADABLE, relative(root, file), 0, "could not be read");
            return FileVisitResult.CONTINUE;
        }
    }

    /** The real target of a link when it stays inside the root. */
    private static Optional<Path> insideTarget(Path realRoot, Path link) {
        try {
            Path real = link.toRealPath();
            return real.startsWith(realRoot) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
