package dev.repoworker.worker.assets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    /** Folders that hold tools' state or generated sites, never notes. */
    static final Set<String> SKIPPED_FOLDERS = Set.of("node_modules", "_site", "dist", "build", "public", "target",
            "out", "__pycache__", "venv");

    private final List<FastIgnoreRule> rules;

    private IgnoreRules(List<FastIgnoreRule> rules) {
        this.rules = rules;
    }

    static IgnoreRules load(Path root, List<String> extraPatterns) throws IOException {
        List<String> patterns = new ArrayList<>();
        Path file = root.resolve(REPOIGNORE);
        if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(file) < 1_000_000) {
            patterns.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
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
