package dev.repoworker.protocol;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of environment variables for the services' config records. Every bad value raises
 * {@link InvalidConfigException} naming the variable, so a service refuses to start with a clear message.
 */
public final class Env {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE =
            Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> env;

    public Env(Map<String, String> env) {
        this.env = env;
    }

    public Optional<String> text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new InvalidConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(name, "must be a whole number, got '" + value.get() + "'");
        }
    }

    public boolean flag(String name, boolean fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new InvalidConfigException(name, "must be true or false, got '" + value.get() + "'");
        };
    }

    /** {@code 250ms}, {@code 30s}, {@code 15m}, {@code 2h}, a bare number of seconds, or ISO-8601 ({@code PT15M}). */
    public Duration duration(String name, Duration fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Duration parsed = parseDuration(value.get());
        if (parsed == null || parsed.isNegative()) {
            throw new InvalidConfigException(
                    name, "must be a duration such as 30s, 15m or PT15M, got '" + value.get() + "'");
        }
        return parsed;
    }

    /** {@link #duration}, refused when zero. */
    public Duration positiveDuration(String name, Duration fallback) {
        Duration value = duration(name, fallback);
        if (value != null && value.isZero()) {
            throw new InvalidConfigException(name, "must be longer than zero");
        }
        return value;
    }

    /** {@link #duration}, refused when shorter than {@code minimum}. */
    public Duration duration(String name, Duration fallback, Duration minimum) {
        Duration value = duration(name, fallback);
        if (value.compareTo(minimum) < 0) {
            throw new InvalidConfigException(name, "must be at least " + minimum.toMillis() + " ms");
        }
        return value;
    }

    /** An http(s) URL with a host, without a trailing slash; {@code fallback} when unset. */
    public String httpUrl(String name, String fallback) {
        return text(name).map(value -> checkedHttpUrl(name, value)).orElse(fallback);
    }

    /** {@code value} checked as {@link #httpUrl(String, String)} checks the variable {@code name}. */
    public static String checkedHttpUrl(String name, String value) {
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new InvalidConfigException(name, "must be an http(s) URL, got '" + value + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(name, "must be an http(s) URL, got '" + value + "'");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /**
     * A size in bytes: a bare number of bytes, or a number with {@code K}, {@code M}, {@code G} or {@code T}
     * ({@code KB}, {@code MiB} … alike, case-insensitive), all powers of 1024: {@code 500MB} is 500 × 1024².
     */
    public long bytes(String name, long fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        long parsed = parseBytes(value.get());
        if (parsed < 0) {
            throw new InvalidConfigException(
                    name, "must be a size such as 1048576, 500MB or 2GiB, got '" + value.get() + "'");
        }
        if (parsed == 0) {
            throw new InvalidConfigException(name, "must be greater than zero");
        }
        return parsed;
    }

    public Path path(String name, Path fallback) {
        return text(name).map(Path::of).orElse(fallback);
    }

    /** A comma-separated list; blank entries are dropped. */
    public List<String> list(String name, List<String> fallback) {
        return text(name)
                .map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(fallback);
    }

    /** The size in bytes, or -1 when {@code text} is not a size (or does not fit in a long). */
    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase();
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            long amount = Long.parseLong(m.group(1));
            return amount > (Long.MAX_VALUE >> shift) ? -1 : amount << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code 30s}, {@code 250ms}, {@code 15m}, {@code 2h}, a bare number of seconds, or ISO-8601; null when it is none of these. */
    public static Duration parseDuration(String text) {
        String value = text.trim();
        if (value.startsWith("P") || value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase());
            } catch (RuntimeException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** A configuration value that cannot be used; the message names the variable. */
    public static final class InvalidConfigException extends RuntimeException {
        private final String variable;

        public InvalidConfigException(String variable, String problem) {
            super(variable + " " + problem);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
