package dev.repoworker.worker.enrich;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** The tables of {@code content.sqlite}; {@code posts} has one text column per common frontmatter key. */
final class ContentSchema {

    private ContentSchema() {}

    static void create(Connection db, Map<String, String> frontmatterColumns) throws SQLException {
        try (Statement s = db.createStatement()) {
            StringBuilder create = new StringBuilder(
                    "CREATE TABLE posts (slug TEXT PRIMARY KEY, title TEXT NOT NULL, "
                            + "path TEXT, url TEXT, updated TEXT, excerpt TEXT, word_count INTEGER, reading_time_minutes INTEGER");
            frontmatterColumns
                    .values()
                    .forEach(c -> create.append(", \"").append(c).append("\" TEXT"));
            create.append(", json TEXT NOT NULL)");
            s.execute(create.toString());
            s.execute("CREATE TABLE tags (post_slug TEXT NOT NULL REFERENCES posts(slug), tag TEXT NOT NULL, "
                    + "PRIMARY KEY (post_slug, tag))");
            s.execute("CREATE INDEX tags_by_tag ON tags(tag)");
            s.execute(
                    "CREATE TABLE links (source_slug TEXT NOT NULL REFERENCES posts(slug), "
                            + "target_slug TEXT NOT NULL REFERENCES posts(slug), context TEXT, PRIMARY KEY (source_slug, target_slug))");
            s.execute("CREATE INDEX links_by_target ON links(target_slug)");
            s.execute("CREATE TABLE media (hash TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT, size INTEGER, "
                    + "width INTEGER, height INTEGER, refused TEXT, json TEXT NOT NULL)");
            s.execute("CREATE TABLE post_media (post_slug TEXT NOT NULL REFERENCES posts(slug), "
                    + "media_hash TEXT NOT NULL REFERENCES media(hash), PRIMARY KEY (post_slug, media_hash))");
            s.execute(
                    "CREATE VIRTUAL TABLE posts_fts USING fts5(slug UNINDEXED, title, plain, tokenize = 'unicode61 remove_diacritics 2')");
            s.execute("CREATE TABLE frontmatter_columns (key TEXT PRIMARY KEY, column_name TEXT NOT NULL)");
        }
    }
}
