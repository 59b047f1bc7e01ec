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
import java.util.Map;

/** The rows of {@code posts} (the post's JSON without its HTML) and of the full-text index {@code posts_fts}. */
final class PostRows {

    private PostRows() {}

    static void insert(Connection db, List<ObjectNode> posts, Map<String, String> columns)
            throws SQLException, IOException {
        StringBuilder sql = new StringBuilder("INSERT OR IGNORE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?");
        columns.forEach((k, c) -> sql.append(", ?"));
        sql.append(", ?)");
        try (PreparedStatement insert = db.prepareStatement(sql.toString());
                PreparedStatement fts =
                        db.prepareStatement("INSERT INTO posts_fts (slug, title, plain) VALUES (?, ?, ?)")) {
            for (ObjectNode post : posts) {
                int i = 1;
                insert.setString(i++, post.path("slug").asText());
                insert.setString(i++, post.path("title").asText(""));
                insert.setString(i++, post.path("path").asText(null));
                insert.setString(i++, post.path("url").asText(null));
                insert.setString(i++, post.path("updated").asText(null));
                insert.setString(i++, post.path("excerpt").asText(null));
                insert.setInt(i++, post.path("wordCount").asInt());
                insert.setInt(i++, post.path("readingTimeMinutes").asInt());
                for (String key : columns.keySet()) {
                    JsonNode value = post.path("frontmatter").path(key);
                    if (value.isMissingNode() || value.isNull()) {
                        insert.setNull(i++, Types.VARCHAR);
                    } else {
                        insert.setString(
                                i++,
                                value.isValueNode()
                                        ? value.asText()
                                        : Json.mapper().writeValueAsString(value));
                    }
                }
                ObjectNode stored = post.deepCopy();
                stored.remove("html");
                insert.setString(i, Json.mapper().writeValueAsString(stored));
                insert.addBatch();
                fts.setString(1, post.path("slug").asText());
                fts.setString(2, post.path("title").asText(""));
                fts.setString(3, post.path("plain").asText(""));
                fts.addBatch();
            }
            insert.executeBatch();
            fts.executeBatch();
        }
    }
}
