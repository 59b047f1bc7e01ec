package dev.repoworker.api.artifacts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The posts of a job's {@code posts.json} without their bodies: what the dashboard's post list, preview and
 * graph need (slug, title, source path, tags, words, links out and in). posts.json holds every post's html
 * and plain text, tens of megabytes for a large vault; it is read one post at a time and only these fields kept.
 */
public final class PostSummaries {

    /** One post at a time from the open array: the rest of the array follows it, so trailing tokens are expected. */
    private static final ObjectReader POST =
            Json.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** At most this many posts are summarised; a vault past it is listed in part. */
    static final int MAX_POSTS = 20_000;

    public record Summary(
            String slug,
            String title,
            String path,
            String url,
            List<String> tags,
            Integer wordCount,
            List<String> links,
            List<String> backlinks) {}

    private PostSummaries() {}

    /** The summaries, in posts.json's order; empty when the job has no posts.json. */
    public static Optional<List<Summary>> read(ArtifactReader artifacts, String jobId) throws IOException {
        Optional<ArtifactReader.Content> content = artifacts.open(jobId, "posts.json");
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream body = content.get().body();
                JsonParser parser = Json.mapper().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "posts.json is not an array");
            }
            List<Summary> posts = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT && posts.size() < MAX_POSTS) {
                posts.add(summary(POST.readTree(parser)));
            }
            return Optional.of(posts);
        }
    }

    private static Summary summary(JsonNode post) {
        return new Summary(
                text(post, "slug"),
                text(post, "title"),
                text(post, "path"),
                text(post, "url"),
                texts(post, "tags"),
                post.path("wordCount").isInt() ? post.path("wordCount").asInt() : null,
                texts(post, "links"),
                texts(post, "backlinks"));
    }

    private static String text(JsonNode post, String field) {
        JsonNode value = post.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static List<String> texts(JsonNode post, String field) {
        List<String> values = new ArrayList<>();
        post.path(field).forEach(v -> {
            if (v.isTextual()) {
                values.add(v.asText());
            }
        });
        return values;
    }
}
