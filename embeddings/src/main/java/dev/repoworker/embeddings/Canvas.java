package dev.repoworker.embeddings;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * The {@code canvas} field of a canvas post: its nodes as in the file (positions untouched), each resolved, and its
 * edges. Text nodes carry their sanitised HTML; file nodes the post or media they show, or {@code missing}; link nodes
 * their http(s) URL; groups their label. Written by the build, carried along by enrich-data.
 */
@JsonPropertyOrder({"nodes", "edges"})
public record Canvas(List<Node> nodes, List<Edge> edges) {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Text.class, name = "text"),
        @JsonSubTypes.Type(value = File.class, name = "file"),
        @JsonSubTypes.Type(value = Link.class, name = "link"),
        @JsonSubTypes.Type(value = Group.class, name = "group")
    })
    public sealed interface Node permits Text, File, Link, Group {}

    @JsonPropertyOrder({"id", "x", "y", "width", "height", "color", "html"})
    public record Text(String id, long x, long y, long width, long height, String color, String html) implements Node {}

    /**
     * {@code slug} is set when the file is a post (note or canvas), {@code media} (image, svg, video…) when it is a media
     * file; {@code url} is where either is, {@code missing} when the vault has no such file.
     */
    @JsonPropertyOrder({"id", "x", "y", "width", "height", "color", "file", "subpath", "slug", "media", "url", "missing"
    })
    public record File(
            String id,
            long x,
            long y,
            long width,
            long height,
            String color,
            String file,
            String subpath,
            String slug,
            String media,
            String url,
            boolean missing)
            implements Node {}

    @JsonPropertyOrder({"id", "x", "y", "width", "height", "color", "url"})
    public record Link(String id, long x, long y, long width, long height, String color, String url) implements Node {}

    /** {@code background} is the URL of the group's background image when the vault has it. */
    @JsonPropertyOrder({"id", "x", "y", "width", "height", "color", "label", "background", "backgroundStyle"})
    public record Group(
            String id,
            long x,
            long y,
            long width,
            long height,
            String color,
            String label,
            String background,
            String backgroundStyle)
            implements Node {}

    /** A connection between two nodes; the ends default to the spec's (no arrow at the start, an arrow at the end). */
    @JsonPropertyOrder({"id", "fromNode", "fromSide", "fromEnd", "toNode", "toSide", "toEnd", "color", "label"})
    public record Edge(
            String id,
            String fromNode,
            String fromSide,
            String fromEnd,
            String toNode,
            String toSide,
            String toEnd,
            String color,
            String label) {}
}
