package dev.repoworker.worker.task;

import java.util.Map;
import java.util.Optional;

/** Typed, validating access to a job's {@code data} object; every problem names the field. */
public record TaskData(Map<String, Object> values) {

    public TaskData {
        values = values == null
                ? Map.of()
                : Map.copyOf(values.entrySet().stream()
                        .filter(e -> e.getValue() != null)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public String requiredString(String field) throws InvalidTaskDataException {
        return optionalString(field).orElseThrow(() -> new InvalidTaskDataException(field, "is required"));
    }

    public Optional<String> optionalString(String field) throws InvalidTaskDataException {
        Object value = values.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new InvalidTaskDataException(field, "must be a string");
        }
        return text.isBlank() ? Optional.empty() : Optional.of(text.trim());
    }

    public int optionalInt(String field, int fallback, int min, int max) throws InvalidTaskDataException {
        Object value = values.get(field);
        if (value == null) {
            return fallback;
        }
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            number = ((Number) value).longValue();
        } else if (value instanceof String text && text.matches("-?\\d{1,10}")) {
            number = Long.parseLong(text);
        } else {
            throw new InvalidTaskDataException(field, "must be a whole number");
        }
        if (number < min || number > max) {
            throw new InvalidTaskDataException(field, "must be between " + min + " and " + max);
        }
        return (int) number;
    }

    public boolean optionalBoolean(String field, boolean fallback) throws InvalidTaskDataException {
        Object value = values.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        throw new InvalidTaskDataException(field, "must be true or false");
    }
}
