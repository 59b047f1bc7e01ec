package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
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
    public record Link(String source, String target, String context) {}

    private ContentDatabase() {}

    static void write(
            Path file,
            List<ObjectNode> posts,
            Map<String, TreeSet<String>> tagPosts,
            List<Link> links,
            JsonNode medias,
            JsonNode graph,
            Map<String, Object> schema)
            throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Map<String, String> columns = FrontmatterColumns.choose(posts, schema);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + temp.toAbsolutePath())) {
            db.setAutoCommit(false);
            ContentSchema.create(db, columns);
            PostRows.insert(db, posts, columns);
            RelationRows.insertTags(db, tagPosts);
            RelationRows.insertLinks(db, links);
            MediaRows.insert(db, posts, medias, graph);
            FrontmatterColumns.insert(db, columns);
            db.commit();
        } catch (SQLException e) {
            Files.deleteIfExists(temp);
            throw new IOException("writing content.sqlite failed: " + e.getMessage(), e);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
