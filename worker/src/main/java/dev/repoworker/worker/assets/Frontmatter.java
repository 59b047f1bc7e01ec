package dev.repoworker.worker.assets;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * YAML frontmatter between {@code ---} lines at the top of a note, read with SnakeYAML's safe constructor
 * and limits (aliases, nesting, size), so a malformed block or a YAML bomb is a problem to report, never a crash.
 */
final class Frontmatter {

    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 40;
    static final int MAX_CODE_POINTS = 256 * 1024;
    static final int MAX_VALUES = 10_000;

    /** The parsed map (empty when absent or malformed), the lines it used, and the problem if any. */
    record Parsed(Map<String, Object> values, int lines, Optional<String> problem) {}

    private Frontmatter() {}

    static Parsed parse(String source) {
        if (!(source.startsWith("---\n") || source.startsWith("---\r\n"))) {
            return new Parsed(Map.of(), 0, Optional.empty());
        }
        int lineNo = 1;
        int pos = source.indexOf('\n') + 1;
        while (pos < source.length()) {
            int end = source.indexOf('\n', pos);
            String line = (end < 0 ? source.substring(pos) : source.substring(pos, end)).stripTrailing();
            lineNo++;
            if (line.equals("---") || line.equals("...")) {
                String yaml = source.substring(source.indexOf('\n') + 1, pos);
                return read(yaml, lineNo);
            }
            if (end < 0) {
                break;
            }
            pos = end + 1;
        }
        return new Parsed(Map.of(), 0, Optional.of("frontmatter starts with --- but is never closed"));
    }

    private static Parsed read(String yaml, int lines) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowDuplicateKeys(true);
        options.setAllowRecursiveKeys(false);
        try {
            Object loaded = new Yaml(new SafeConstructor(options)).load(yaml);
            if (loaded == null) {
                return new Parsed(Map.of(), lines, Optional.empty());
            }
            if (!(loaded instanceof Map<?, ?> map)) {
                return new Parsed(Map.of(), lines, Optional.of("frontmatter is not a key: value mapping"));
            }
            return new Parsed(normalizeMap(map, 0, new int[1]), lines, Optional.empty());
        } catch (TooManyValues e) {
            return new Parsed(
                    Map.of(),
                    lines,
                    Optional.of(
                            "frontmatter expands to more than " + MAX_VALUES + " values (through aliases); ignored"));
        } catch (RuntimeException | StackOverflowError e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            message = message.lines().findFirst().orElse(message);
            return new Parsed(Map.of(), lines, Optional.of("malformed YAML frontmatter: " + truncate(message, 200)));
        }
    }

    /** Aliases let a small document stand for a huge (or, with self-references, endless) tree. */
    private static final class TooManyValues extends RuntimeException {
        TooManyValues() {
            super(null, null, false, false);
        }
    }

    /**
     * JSON-friendly, deterministic values: string keys, ISO dates, lists for sets, base64 for binary. {@code count}
     * holds the values made so far: past {@link #MAX_VALUES} the frontmatter is refused.
     */
    private static Map<String, Object> normalizeMap(Map<?, ?> map, int depth, int[] count) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v, depth + 1, count)));
        return out;
    }

    private static Object normalize(Object value, int depth, int[] count) {
        if (++count[0] > MAX_VALUES) {
            throw new TooManyValues();
        }
        if (depth > MAX_NESTING) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            return normalizeMap(map, depth, count);
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>();
            items.forEach(i -> out.add(normalize(i, depth + 1, count)));
            return out;
        }
        if (value instanceof Date date) {
            var instant = date.toInstant();
            return instant.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0 && instant.getNano() == 0
                    ? instant.atOffset(ZoneOffset.UTC).toLocalDate().toString()
                    : instant.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.toString();
        }
        return value;
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    // Typed readers used by the vault.

    static Optional<String> string(Map<String, Object> fm, String key) {
        Object v = fm.get(key);
        if (v == null || v instanceof Map || v instanceof List) {
            return Optional.empty();
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A list or a comma-separated string; blank entries dropped. */
    static List<String> strings(Map<String, Object> fm, String... keys) {
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            Object v = fm.get(key);
            if (v instanceof List<?> list) {
                list.stream()
                        .filter(i -> i != null && !(i instanceof Map) && !(i instanceof List))
                        .map(i -> String.valueOf(i).trim())
                        .filter(s -> !s.isEmpty())
                        .forEach(out::add);
            } else if (v != null && !(v instanceof Map)) {
                for (String part : String.valueOf(v).split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }

    static boolean flag(Map<String, Object> fm, String key, boolean fallback) {
        Object v = fm.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        return fallback;
    }
}
