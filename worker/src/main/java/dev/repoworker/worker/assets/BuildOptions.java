package dev.repoworker.worker.assets;

import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to build: the sub-folder to build ({@code ""} = the whole repository), extra ignore patterns, URL
 * prefixes, the domain media URLs start with, whether private/draft notes are included, limits, an optional
 * media cache shared between builds, and the number of threads (0 = one per core).
 */
public record BuildOptions(
        String repositoryFolder,
        List<String> ignoreFiles,
        String notePrefix,
        String mediaPrefix,
        String domain,
        boolean includePrivate,
        Limits limits,
        Optional<Path> mediaCacheDir,
        int threads) {

    public static final String DEFAULT_NOTE_PREFIX = "/_repo/notes";
    public static final String DEFAULT_MEDIA_PREFIX = "/_repo/medias";
    static final int MAX_IGNORE_PATTERNS = 1000;
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("(https?://)?[A-Za-z0-9.-]+(:\\d{1,5})?");

    /**
     * Hostile-input limits: note size, media file size, decoded image pixels, note embed depth, the CPU time rendering
     * one note (with its embeds) may take before it is shown as plain text, and the characters of HTML one post may
     * have (below the 20 million characters the JSON readers of later steps accept in one string).
     */
    public record Limits(
            long maxNoteBytes,
            long maxMediaBytes,
            long maxImagePixels,
            int maxEmbedDepth,
            long maxRenderCpuMillis,
            int maxHtmlChars) {
        public static Limits defaults() {
            return new Limits(16L << 20, 100L << 20, 50_000_000L, 3, 20_000, 16_000_000);
        }

        public Limits withMaxNoteBytes(long bytes) {
            return new Limits(bytes, maxMediaBytes, maxImagePixels, maxEmbedDepth, maxRenderCpuMillis, maxHtmlChars);
        }

        public Limits withMaxMediaBytes(long bytes) {
            return new Limits(maxNoteBytes, bytes, maxImagePixels, maxEmbedDepth, maxRenderCpuMillis, maxHtmlChars);
        }

        public Limits withMaxRenderCpuMillis(long millis) {
            return new Limits(maxNoteBytes, maxMediaBytes, maxImagePixels, maxEmbedDepth, millis, maxHtmlChars);
        }

        public Limits withMaxHtmlChars(int chars) {
            return new Limits(maxNoteBytes, maxMediaBytes, maxImagePixels, maxEmbedDepth, maxRenderCpuMillis, chars);
        }
    }

    public BuildOptions {
        repositoryFolder = repositoryFolder == null ? "" : repositoryFolder;
        ignoreFiles = List.copyOf(ignoreFiles);
        domain = normalizeDomain(domain);
        limits = limits == null ? Limits.defaults() : limits;
        mediaCacheDir = mediaCacheDir == null ? Optional.empty() : mediaCacheDir;
    }

    public static BuildOptions defaults() {
        return new BuildOptions(
                "",
                List.of(),
                DEFAULT_NOTE_PREFIX,
                DEFAULT_MEDIA_PREFIX,
                "",
                true,
                Limits.defaults(),
                Optional.empty(),
                0);
    }

    public BuildOptions withMediaCacheDir(Path dir) {
        return new BuildOptions(
                repositoryFolder,
                ignoreFiles,
                notePrefix,
                mediaPrefix,
                domain,
                includePrivate,
                limits,
                Optional.ofNullable(dir),
                threads);
    }

    public BuildOptions withIncludePrivate(boolean include) {
        return new BuildOptions(
                repositoryFolder,
                ignoreFiles,
                notePrefix,
                mediaPrefix,
                domain,
                include,
                limits,
                mediaCacheDir,
                threads);
    }

    public BuildOptions withIgnoreFiles(List<String> patterns) {
        return new BuildOptions(
                repositoryFolder,
                patterns,
                notePrefix,
                mediaPrefix,
                domain,
                includePrivate,
                limits,
                mediaCacheDir,
                threads);
    }

    public BuildOptions withLimits(Limits newLimits) {
        return new BuildOptions(
                repositoryFolder,
                ignoreFiles,
                notePrefix,
                mediaPrefix,
                domain,
                includePrivate,
                newLimits,
                mediaCacheDir,
                threads);
    }

    public BuildOptions withThreads(int n) {
        return new BuildOptions(
                repositoryFolder,
                ignoreFiles,
                notePrefix,
                mediaPrefix,
                domain,
                includePrivate,
                limits,
                mediaCacheDir,
                n);
    }

    /** {@code domain + mediaPrefix}: what every media URL starts with. */
    public String mediaBase() {
        return domain + mediaPrefix;
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Reads {@code repositoryFolder, ignoreFiles, notePrefix, mediaPrefix, domain, includePrivate} from a job's
     * data; every problem names its field. The repository itself ({@code repoUrl}/{@code repoPath}) is not read here.
     */
    public static BuildOptions fromData(TaskData data) throws InvalidTaskDataException {
        String folder = data.optionalString("repositoryFolder").orElse("");
        checkFolder(folder);
        String notePrefix = prefix(data, "notePrefix", DEFAULT_NOTE_PREFIX);
        String mediaPrefix = prefix(data, "mediaPrefix", DEFAULT_MEDIA_PREFIX);
        String domain = data.optionalString("domain").orElse("");
        if (!domain.isEmpty() && !DOMAIN.matcher(domain.replaceAll("/+$", "")).matches()) {
            throw new InvalidTaskDataException("domain", "must be a host name, optionally with https:// and a port");
        }
        boolean includePrivate = data.optionalBoolean("includePrivate", true);
        return new BuildOptions(
                folder.replace('\\', '/').replaceAll("^\\./|/+$", ""),
                ignoreFiles(data),
                notePrefix,
                mediaPrefix,
                domain,
                includePrivate,
                Limits.defaults(),
                Optional.empty(),
                0);
    }

    private static void checkFolder(String folder) throws InvalidTaskDataException {
        String f = folder.replace('\\', '/');
        if (f.startsWith("/") || f.matches("^[A-Za-z]:.*") || f.startsWith("~")) {
            throw new InvalidTaskDataException("repositoryFolder", "must be a relative path inside the repository");
        }
        for (String part : f.split("/")) {
            if (part.equals("..")) {
                throw new InvalidTaskDataException("repositoryFolder", "must stay inside the repository (no '..')");
            }
        }
        if (f.length() > 1024 || f.chars().anyMatch(c -> c < 0x20)) {
            throw new InvalidTaskDataException("repositoryFolder", "must be a plain relative path");
        }
    }

    private static String prefix(TaskData data, String field, String fallback) throws InvalidTaskDataException {
        String value = data.optionalString(field).orElse(fallback).replaceAll("/+$", "");
        if (!PREFIX.matcher(value).matches() || value.length() > 200) {
            throw new InvalidTaskDataException(
                    field, "must be a URL path such as " + fallback + " (segments of letters, digits, . _ ~ -)");
        }
        return value;
    }

    private static List<String> ignoreFiles(TaskData data) throws InvalidTaskDataException {
        Object value = data.values().get("ignoreFiles");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidTaskDataException("ignoreFiles", "must be a list of gitignore-style patterns");
        }
        if (list.size() > MAX_IGNORE_PATTERNS) {
            throw new InvalidTaskDataException("ignoreFiles", "has more than " + MAX_IGNORE_PATTERNS + " patterns");
        }
        List<String> patterns = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s) || s.length() > 500 || s.chars().anyMatch(c -> c < 0x20)) {
                throw new InvalidTaskDataException(
                        "ignoreFiles", "must hold strings (patterns) of at most 500 characters");
            }
            patterns.add(s);
        }
        return patterns;
    }

    private static String normalizeDomain(String domain) {
        if (domain == null || domain.isBlank()) {
            return "";
        }
        String d = domain.strip().replaceAll("/+$", "");
        return d.startsWith("http://") || d.startsWith("https://") ? d : "https://" + d;
    }
}
