package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Which frontmatter keys become columns of {@code posts}, and the {@code frontmatter_columns} table naming them. */
final class FrontmatterColumns {

    /** A frontmatter key becomes a column when at least this many posts (and two) have it. */
    static final double COMMON_SHARE = 0.2;

    static final int MAX_FRONTMATTER_COLUMNS = 40;

    private FrontmatterColumns() {}

    /** Frontmatter key → column name, for keys most posts share. */
    @SuppressWarnings("unchecked")
    static Map<String, String> choose(List<ObjectNode> posts, Map<String, Object> schema) {
        Map<String, Object> keys = (Map<String, Object>) schema.get("keys");
        List<Map.Entry<String, Object>> common = new ArrayList<>();
        for (Map.Entry<String, Object> e : keys.entrySet()) {
            int count = (int) ((Map<String, Object>) e.getValue()).get("count");
            if (count >= 2 && count >= COMMON_SHARE * posts.size()) {
                common.add(e);
            }
        }
        common.sort((a, b) -> Integer.compare((int) ((Map<String, Object>) b.getValue()).get("count"), (int)
                ((Map<String, Object>) a.getValue()).get("count")));
        Map<String, String> columns = new LinkedHashMap<>();
        TreeSet<String> used = new TreeSet<>();
        for (Map.Entry<String, Object> e : common) {
            if (columns.size() == MAX_FRONTMATTER_COLUMNS) {
                break;
            }
            String base = "fm_" + e.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            String name = base;
            for (int n = 2; !used.add(name); n++) {
                name = base + "_" + n;
            }
            columns.put(e.getKey(), name);
        }
        return columns;
    }

    static void insert(Connection db, Map<String, String> columns) throws SQLException {
        try (PreparedStatement fc = db.prepareStatement("INSERT INTO frontmatter_columns VALUES (?, ?)")) {
            for (Map.Entry<String, String> c : columns.entrySet()) {
                fc.setString(1, c.getKey());
                fc.setString(2, c.getValue());
                fc.addBatch();
            }
            fc.executeBatch();
        }
    }
}
