package dev.repoworker.worker.assets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * Which files and folders the build skips: hidden entries, {@code .git}, {@code .obsidian},
 * {@code node_modules} and build output folders, then the gitignore-style patterns of {@code .repoignore}
 * followed by the job's {@code ignoreFiles} (the last matching pattern wins, {@code !} re-includes).
 */
final class IgnoreRules {

    static final String REPOIGNORE = ".repoignore";
    static final long MAX_FILE_BYTES = 1_000_000;
    /** Folders that hold tools' state or generated sites, never notes. */
    static final Set<String> SKIPPED_FOLDERS =
            Set.of("node_modules", "_site", "dist", "build", "public", "target", "out", "__pycache__", "venv");

    private final List<FastIgnoreRule> rules;

    private IgnoreRules(List<FastIgnoreRule> rules) {
        this.rules = rules;
    }

    /**
     * The rules of {@code .repoignore} (a regular file of at most {@link #MAX_FILE_BYTES}, its first
     * {@link BuildOptions#MAX_IGNORE_PATTERNS} patterns; problems reported) followed by {@code extraPatterns}.
     */
    static IgnoreRules load(Path root, List<String> extraPatterns, Issues issues) throws IOException {
        List<String> patterns = new ArrayList<>();
        Path file = root.resolve(REPOIGNORE);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.size(file) > MAX_FILE_BYTES) {
                issues.add(Issue.FILE_TOO_LARGE, REPOIGNORE, 0, "is over " + MAX_FILE_BYTES + " bytes; ignored");
            } else {
                List<String> lines = Utf8.decode(Files.readAllBytes(file), REPOIGNORE, issues)
                        .lines()
                        .map(String::strip)
                        .filter(p -> !p.isEmpty() && !p.startsWith("#"))
                        .toList();
                if (lines.size() > BuildOptions.MAX_IGNORE_PATTERNS) {
                    issues.add(
                            Issue.FILE_TOO_LARGE,
                            REPOIGNORE,
                            0,
                            "has " + lines.size() + " patterns; only the first " + BuildOptions.MAX_IGNORE_PATTERNS
                                    + " are used");
                    lines = lines.subList(0, BuildOptions.MAX_IGNORE_PATTERNS);
                }
                patterns.addAll(lines);
            }
        }
        patterns.addAll(extraPatterns);
        return of(patterns);
    }

    static IgnoreRules of(List<String> patterns) {
        List<FastIgnoreRule> rules = new ArrayList<>();
        for (String pattern : patterns) {
            String p = pattern.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            FastIgnoreRule rule = new FastIgnoreRule(p);
            if (!rule.isEmpty()) {
                rules.add(rule);
            }
        }
        return new IgnoreRules(rules);
    }

    /** Whether a folder (by its name) is skipped whatever the patterns say. */
    static boolean skippedFolder(String name) {
        return name.startsWith(".") || SKIPPED_FOLDERS.contains(name);
    }

    /** {@code relativePath} uses {@code /} and has no leading slash. */
    boolean ignored(String relativePath, boolean directory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            FastIgnoreRule rule = rules.get(i);
            if (rule.isMatch(relativePath, directory, true)) {
                return rule.getResult();
            }
        }
        return false;
    }
}
