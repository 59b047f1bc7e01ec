package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code content.sqlite}: the content as SQL. Tables {@code posts} (slug key, the main fields, one
 * {@code fm_<key>} column per common frontmatter key, the post's JSON without its HTML), {@code tags}
 * (post, tag), {@code links} (source, target, the linking sentence), {@code media} and {@code post_media},
 * and {@code posts_fts}, an FTS5 index over title and plain text.
 */
public final class ContentDatabase {

    /** A link between two posts, with the sentence it stands in. */
    public record Link(String source, String target, String context) {
    }

    /** A frontmatter key becomes a column when at least this many posts (and two) have it. */
    static final double COMMON_SHARE = 0.2;
    static final int MAX_FRONTMATTER_COLUMNS = 40;

    private ContentDatabase() {
    }

    static void write(Path file, List<ObjectNode> posts, Map<String, TreeSet<String>> tagPosts, List<Link> links,
                      JsonNode medias, JsonNode graph, Map<String, Object> schema) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Map<String, String> columns = frontmatterColumns(posts, schema);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + temp.toAbsolutePath())) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                StringBuilder create = new StringBuilder("CREATE TABLE posts (slug TEXT PRIMARY KEY, title TEXT NOT NULL, "
                        + "path TEXT, url TEXT, updated TEXT, excerpt TEXT, word_count INTEGER, reading_time_minutes INTEGER");
                columns.values().forEach(c -> create.append(", \"").append(c).append("\" TEXT"));
                create.append(", json TEXT NOT NULL)");
                s.execute(create.toString());
                s.execute("CREATE TABLE tags (post_slug TEXT NOT NULL REFERENCES posts(slug), tag TEXT NOT NULL, "
                        + "PRIMARY KEY (post_slug, tag))");
                s.execute("CREATE INDEX tags_by_tag ON tags(tag)");
                s.execute("CREATE TABLE links (source_slug TEXT NOT NULL REFERENCES posts(slug), "
                        + "target_slug TEXT NOT NULL REFERENCES posts(slug), context TEXT, PRIMARY KEY (source_slug, target_slug))");
                s.execute("CREATE INDEX links_by_target ON links(target_slug)");
                s.execute("CREATE TABLE media (hash TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT, size INTEGER, "
                        + "width INTEGER, height INTEGER, refused TEXT, json TEXT NOT NULL)");
                s.execute("CREATE TABLE post_media (post_slug TEXT NOT NULL REFERENCES posts(slug), "
                        + "media_hash TEXT NOT NULL REFERENCES media(hash), PRIMARY KEY (post_slug, media_hash))");
                s.execute("CREATE VIRTUAL TABLE posts_fts USING fts5(slug UNINDEXED, title, plain, tokenize = 'unicode61 remove_diacritics 2')");
                s.execute("CREATE TABLE frontmatter_columns (key TEXT PRIMARY KEY, column_name TEXT NOT NULL)");
            }
            insertPosts(db, posts, columns);
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
            try (PreparedStatement link = db.prepareStatement("INSERT OR IGNORE INTO links VALUES (?, ?, ?)")) {
                for (Link l : links) {
                    link.setString(1, l.source());
                    link.setString(2, l.target());
                    link.setString(3, l.context());
                    link.addBatch();
                }
                link.executeBatch();
            }
            TreeSet<String> hashes = new TreeSet<>();
            try (PreparedStatement media = db.prepareStatement("INSERT OR IGNORE INTO media VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (JsonNode m : medias) {
                    hashes.add(m.path("hash").asText());
                    media.setString(1, m.path("hash").asText());
                    media.setString(2, m.path("path").asText());
                    media.setString(3, m.path("kind").asText(null));
                    media.setLong(4, m.path("size").asLong());
                    setInt(media, 5, m.path("width"));
                    setInt(media, 6, m.path("height"));
                    media.setString(7, m.path("refused").isTextual() ? m.path("refused").asText() : null);
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
            try (PreparedStatement fc = db.prepareStatement("INSERT INTO frontmatter_columns VALUES (?, ?)")) {
                for (Map.Entry<String, String> c : columns.entrySet()) {
                    fc.setString(1, c.getKey());
                    fc.setString(2, c.getValue());
                    fc.addBatch();
                }
                fc.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            Files.deleteIfExists(temp);
            throw new IOException("writing content.sqlite failed: " + e.getMessage(), e);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void insertPosts(Connection db, List<ObjectNode> posts, Map<String, String> columns)
            throws SQLException, IOException {
        StringBuilder sql = new StringBuilder("INSERT OR IGNORE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?");
        columns.forEach((k, c) -> sql.append(", ?"));
        sql.append(", ?)");
        try (PreparedStatement insert = db.prepareStatement(sql.toString());
             PreparedStatement fts = db.prepareStatement("INSERT INTO posts_fts (slug, title, plain) VALUES (?, ?, ?)")) {
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
                        insert.setString(i++, value.isValueNode() ? value.asText() : Json.mapper().writeValueAsString(value));
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

    /** Frontmatter key → column name, for keys most posts share. */
    @SuppressWarnings("unchecked")
    static Map<String, String> frontmatterColumns(List<ObjectNode> posts, Map<String, Object> schema) {
        Map<String, Object> keys = (Map<String, Object>) schema.get("keys");
        List<Map.Entry<String, Object>> common = new ArrayList<>();
        for (Map.Entry<String, Object> e : keys.entrySet()) {
            int count = (int) ((Map<String, Object>) e.getValue()).get("count");
            if (count >= 2 && count >= COMMON_SHARE * posts.size()) {
                common.add(e);
            }
        }
        common.sort((a, b) -> Integer.compare((int) ((Map<String, Object>) b.getValue()).get("count"),
                (int) ((Map<String, Object>) a.getValue()).get("count")));
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

    private static void setInt(PreparedStatement statement, int index, JsonNode value) throws SQLException {
        if (value.isNumber()) {
            statement.setInt(index, value.asInt());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }
}
