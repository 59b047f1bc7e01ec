package dev.repoworker.embeddings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code posts.json}: a JSON array of posts, or an object holding one under {@code posts}.
 * Streams entry by entry; duplicate slugs keep the first post.
 */
public final class PostsFile {

    public static final String NAME = "posts.json";

    /** Reads one element at a time from a stream (the shared mapper refuses trailing tokens). */
    private static final com.fasterxml.jackson.databind.ObjectReader ELEMENTS = Json.mapper()
            .reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PostsFile() {}

    public static List<Post> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.getFileName().toString());
        }
        List<Post> posts = new ArrayList<>();
        Set<String> slugs = new HashSet<>();
        try (InputStream in = Files.newInputStream(file);
                JsonParser parser = Json.mapper().createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                JsonNode root = ELEMENTS.readTree(parser);
                JsonNode array = root.path("posts");
                if (!array.isArray()) {
                    throw new IOException(NAME + " is neither an array of posts nor an object with a posts array");
                }
                for (JsonNode node : array) {
                    add(node, posts, slugs);
                }
                return posts;
            }
            if (first != JsonToken.START_ARRAY) {
                throw new IOException(NAME + " must hold a JSON array of posts");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                if (token == JsonToken.START_OBJECT) {
                    add(ELEMENTS.readTree(parser), posts, slugs);
                } else {
                    parser.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(NAME + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return posts;
    }

    private static void add(JsonNode node, List<Post> posts, Set<String> slugs) {
        if (!node.isObject()) {
            return;
        }
        Post post = LenientPost.fromJson(node, posts.size());
        if (slugs.add(post.slug())) {
            posts.add(post);
        }
    }
}
