package dev.repoworker.api.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Telling secrets apart from the rest of a job's data: values under secret-looking keys
 * ({@code gitToken}, {@code token}, {@code password}, {@code apiKey} …, at any depth) are split off
 * to be stored encrypted, and redacted wherever data is shown or logged.
 */
public final class Secrets {

    public static final String REDACTED = "[redacted]";
    private static final List<String> SECRET_WORDS = List.of(
            "token",
            "password",
            "passwd",
            "secret",
            "apikey",
            "privatekey",
            "credential",
            "accesskey",
            "authorization");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s:]+(:[^/@\\s]*)?@");

    private Secrets() {}

    /** The public part and the secret part of a job's data. */
    public record Split(Map<String, Object> publicData, Map<String, Object> secretData) {}

    public static boolean isSecretKey(String key) {
        String normalized = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return SECRET_WORDS.stream().anyMatch(normalized::contains);
    }

    @SuppressWarnings("unchecked")
    public static Split split(Map<String, Object> data) {
        Map<String, Object> open = new LinkedHashMap<>();
        Map<String, Object> secret = new LinkedHashMap<>();
        data.forEach((key, value) -> {
            if (isSecretKey(key) && value != null) {
                secret.put(key, value);
            } else if (value instanceof Map<?, ?> nested) {
                Split inner = split((Map<String, Object>) nested);
                open.put(key, inner.publicData());
                if (!inner.secretData().isEmpty()) {
                    secret.put(key, inner.secretData());
                }
            } else {
                open.put(key, value);
            }
        });
        return new Split(open, secret);
    }

    /** {@code publicData} with the split-off secrets put back, at any depth. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> publicData, Map<String, Object> secretData) {
        Map<String, Object> merged = new LinkedHashMap<>(publicData);
        secretData.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nestedSecret && merged.get(key) instanceof Map<?, ?> nestedOpen) {
                merged.put(key, merge((Map<String, Object>) nestedOpen, (Map<String, Object>) nestedSecret));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** A copy with every value under a secret-looking key replaced by {@link #REDACTED}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> redact(Map<String, Object> data) {
        if (data == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        data.forEach((key, value) -> {
            if (isSecretKey(key) && value != null) {
                copy.put(key, REDACTED);
            } else if (value instanceof Map<?, ?> nested) {
                copy.put(key, redact((Map<String, Object>) nested));
            } else {
                copy.put(key, value);
            }
        });
        return copy;
    }

    /** {@code text} with the given secret values and any user:password@ in URLs replaced. */
    public static String redactText(String text, Collection<String> secretValues) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String value : secretValues) {
            if (value != null && value.length() >= 4) {
                result = result.replace(value, REDACTED);
            }
        }
        return URL_USER_INFO.matcher(result).replaceAll("$1" + REDACTED + "@");
    }

    /** Every text value in a secret map, at any depth. */
    @SuppressWarnings("unchecked")
    public static List<String> values(Map<String, Object> secretData) {
        List<String> values = new ArrayList<>();
        secretData.values().forEach(value -> {
            if (value instanceof Map<?, ?> nested) {
                values.addAll(values((Map<String, Object>) nested));
            } else if (value != null) {
                values.add(String.valueOf(value));
            }
        });
        return values;
    }
}
