package dev.repoworker.cli;

import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The folder where {@code repo-worker process} keeps what it can reuse between runs (media variants, chunk vectors,
 * rendered notes, the last run's record) and its runs' scratch space ({@code tmp/}). Its {@value #STAMP} file names
 * the format; a folder stamped with another format is emptied (one line on stderr) rather than read, and a non-empty
 * folder without a stamp is not ours to touch.
 */
final class CacheFolder {

    /** Bump when anything kept in the folder changes meaning, so older folders are emptied instead of misread. */
    static final String FORMAT = "repo-worker-cache 1";

    static final String STAMP = "cache-format";
    static final String DEFAULT_NAME = ".repo-worker-cache";

    private CacheFolder() {}

    /** Thrown when the folder cannot be used; the message is the one line to print. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** The default: {@value #DEFAULT_NAME} beside {@code out}. */
    static Path beside(Path out) {
        Path parent = out.toAbsolutePath().normalize().getParent();
        return (parent == null ? out.toAbsolutePath() : parent).resolve(DEFAULT_NAME);
    }

    /** Creates or checks {@code dir}, empties it when stamped with another format, and proves it is writable. */
    static Path open(Path dir, PrintStream err) throws Unusable {
        Path stamp = dir.resolve(STAMP);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(stamp)) {
                String found = Files.readString(stamp).strip();
                if (!found.equals(FORMAT)) {
                    err.println("cache: " + dir + " holds format '" + found + "', not '" + FORMAT + "'; emptied");
                    empty(dir);
                }
            } else if (!isEmpty(dir)) {
                throw new Unusable(dir + " is not empty and is not a repo-worker cache; choose another --cache");
            }
            Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
            Files.delete(probe);
            if (!Files.isRegularFile(stamp)) {
                Files.writeString(stamp, FORMAT + "\n");
            }
            sweepScratch(dir.resolve("tmp"));
            return dir;
        } catch (IOException | SecurityException e) {
            throw new Unusable("cannot use the cache folder " + dir + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); choose another --cache or use --no-cache");
        }
    }

    /** Removes scratch folders of runs that were killed (a day old is older than any run still going); best effort. */
    private static void sweepScratch(Path tmp) {
        if (!Files.isDirectory(tmp)) {
            return;
        }
        Instant dayAgo = Instant.now().minus(Duration.ofDays(1));
        try (var entries = Files.list(tmp)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS)
                        .toInstant()
                        .isBefore(dayAgo)) {
                    Workspaces.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            // what is left is swept next time
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void empty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Workspaces.deleteTree(entry);
                } else {
                    Files.delete(entry);
                }
            }
        }
    }
}
