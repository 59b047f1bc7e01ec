package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.TreeSet;

/** The rows of {@code media} (from {@code medias.json}) and {@code post_media} (the graph's media links). */
final class MediaRows {

    private MediaRows() {}

    static void insert(Connection db, List<ObjectNode> posts, JsonNode medias, JsonNode graph)
            throws SQLException, IOException {
        TreeSet<String> hashes = new TreeSet<>();
        try (PreparedStatement media =
                db.prepareStatement("INSERT OR IGNORE INTO media VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonNode m : medias) {
                hashes.add(m.path("hash").asText());
                media.setString(1, m.path("hash").asText());
                media.setString(2, m.path("path").asText());
                media.setString(3, m.path("kind").asText(null));
                media.setLong(4, m.path("size").asLong());
                setInt(media, 5, m.path("width"));
                setInt(media, 6, m.path("height"));
                media.setString(
                        7, m.path("refused").isTextual() ? m.path("refused").asText() : null);
                media.setString(8, Json.mapper().writeValueAsString(m));
                media.addBatch();
            }
            media.executeBatch();
        }
        TreeSet<String> slugs = new TreeSet<>();
        posts.forEach(p -> slugs.add(p.path("slug").asText()));
        try (PreparedStatement pm = db.prepareStatement("INSERT OR IGNORE INTO post_media VALUES (?, ?)")) {
            for (JsonNode l : graph.path("links")) {
                String source = l.path("source").asText().replaceFirst("^post:", "");
                String target = l.path("target").asText().replaceFirst("^media:", "");
                if ("media".equals(l.path("type").asText()) && slugs.contains(source) && hashes.contains(target)) {
                    pm.setString(1, source);
                    pm.setString(2, target);
                    pm.addBatch();
                }
            }
            pm.executeBatch();
        }
    }

    private static void setInt(PreparedStatement statement, int index, JsonNode value) throws SQLException {
        if (value.isNumber()) {
            statement.setInt(index, value.asInt());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }
}
