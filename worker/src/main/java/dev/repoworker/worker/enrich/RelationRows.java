package dev.repoworker.worker.enrich;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The rows of {@code tags} (post, tag) and {@code links} (source, target, the linking sentence). */
final class RelationRows {

    private RelationRows() {}

    static void insertTags(Connection db, Map<String, TreeSet<String>> tagPosts) throws SQLException {
        try (PreparedStatement tag = db.prepareStatement("INSERT OR IGNORE INTO tags VALUES (?, ?)")) {
            for (Map.Entry<String, TreeSet<String>> e : tagPosts.entrySet()) {
                for (String slug : e.getValue()) {
                    tag.setString(1, slug);
                    tag.setString(2, e.getKey());
                    tag.addBatch();
                }
            }
            tag.executeBatch();
        }
    }

    static void insertLinks(Connection db, List<ContentDatabase.Link> links) throws SQLException {
        try (PreparedStatement link = db.prepareStatement("INSERT OR IGNORE INTO links VALUES (?, ?, ?)")) {
            for (ContentDatabase.Link l : links) {
                link.setString(1, l.source());
                link.setString(2, l.target());
                link.setString(3, l.context());
                link.addBatch();
            }
            link.executeBatch();
        }
    }
}
