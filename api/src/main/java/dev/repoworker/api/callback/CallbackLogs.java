package dev.repoworker.api.callback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.Secrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A callback's {@code logs}: strings (ours) or the original Worker's objects {@code {type, jobId, timestamp,
 * message}}. Each line becomes one job event of type {@code log}. Bounded: the last {@link #MAX_LINES} lines are
 * kept (a worker's last words explain a failure; one event says how many earlier ones were dropped), and a
 * line longer than {@link #MAX_LINE_CHARS} characters is cut.
 */
final class CallbackLogs {

    static final int MAX_LINES = 1_000;
    static final int MAX_LINE_CHARS = 8 * 1024;
    private static final String CUT = " …[cut at " + MAX_LINE_CHARS + " characters]";
    private static final String INVALID =
            "logs must be a list of strings or of objects {type, timestamp, message} with a string message";

    /** One line as the sender gave it: {@code level} and {@code timestamp} only from the object form. */
    record Line(String level, String timestamp, String message) {}

    /** The lines kept and how many earlier ones were dropped. */
    record Lines(List<Line> kept, int dropped) {
        static final Lines NONE = new Lines(List.of(), 0);

        boolean isEmpty() {
            return kept.isEmpty() && dropped == 0;
        }
    }

    private CallbackLogs() {}

    /** Validates {@code logs} (absent or null: none) and keeps its last {@link #MAX_LINES} lines. */
    static Lines read(JsonNode logs) {
        if (logs == null || logs.isNull()) {
            return Lines.NONE;
        }
        if (!logs.isArray()) {
            throw new InvalidInputException("logs", INVALID);
        }
        int dropped = Math.max(0, logs.size() - MAX_LINES);
        List<Line> kept = new ArrayList<>(logs.size() - dropped);
        for (int i = 0; i < logs.size(); i++) {
            Line line = line(logs.get(i));
            if (i >= dropped) {
                kept.add(line);
            }
        }
        return new Lines(kept, dropped);
    }

    /** Lines given as strings (a callback built in this process, or kept by the Worker). */
    static Lines of(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return Lines.NONE;
        }
        int dropped = Math.max(0, lines.size() - MAX_LINES);
        return new Lines(
                lines.subList(dropped, lines.size()).stream()
                        .map(text -> new Line(null, null, text))
                        .toList(),
                dropped);
    }

    private static Line line(JsonNode entry) {
        if (entry.isTextual()) {
            return new Line(null, null, entry.asText());
        }
        if (!entry.isObject() || !entry.path("message").isTextual()) {
            throw new InvalidInputException("logs", INVALID);
        }
        return new Line(
                optionalText(entry, "type"),
                optionalText(entry, "timestamp"),
                entry.get("message").asText());
    }

    private static String optionalText(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("logs", INVALID);
        }
        return cut(value.asText(), 64);
    }

    /** One event per line, the job's secrets (its callback token among them) redacted. */
    static List<JobEvent> events(Lines lines, int attempt, Instant now, List<String> secrets) {
        List<JobEvent> events = new ArrayList<>(lines.kept().size() + 1);
        if (lines.dropped() > 0) {
            events.add(JobEvent.of(
                    now,
                    JobEvent.LOG,
                    attempt,
                    lines.dropped() + " earlier log lines were dropped (the last " + MAX_LINES + " are kept)"));
        }
        for (Line line : lines.kept()) {
            Map<String, Object> data = new LinkedHashMap<>();
            if (line.level() != null) {
                data.put("level", Secrets.redactText(line.level(), secrets));
            }
            if (line.timestamp() != null) {
                data.put("timestamp", Secrets.redactText(line.timestamp(), secrets));
            }
            String message = cut(Secrets.redactText(line.message(), secrets), MAX_LINE_CHARS);
            events.add(JobEvent.of(now, JobEvent.LOG, attempt, message, data.isEmpty() ? null : data));
        }
        return events;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + (max == MAX_LINE_CHARS ? CUT : "…");
    }
}
