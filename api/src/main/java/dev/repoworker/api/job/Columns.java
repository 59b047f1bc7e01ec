package dev.repoworker.api.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/** How the stores keep values in columns: JSON objects as text, instants as epoch milliseconds, nulls as NULL. */
public final class Columns {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Columns() {}

    static String write(Map<String, Object> value) {
        return value == null ? null : Json.write(value);
    }

    /** A JSON object column as a map; null for NULL. */
    public static Map<String, Object> read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON column cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** An epoch-milliseconds column as an instant; null for NULL. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    /** A BIGINT column; null for NULL. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
