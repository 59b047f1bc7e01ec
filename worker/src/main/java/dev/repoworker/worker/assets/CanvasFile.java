package dev.repoworker.worker.assets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.embeddings.Canvas.Edge;
import dev.repoworker.protocol.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A JSON Canvas 1.0 file (<a href="https://jsoncanvas.org/spec/1.0/">spec</a>) as read from the vault, checked. A file
 * that is not JSON, whose {@code nodes} or {@code edges} is not an array, or that has more than {@link #MAX_NODES}
 * nodes or {@link #MAX_EDGES} edges is refused ({@link Invalid}). In an accepted file, a node or an edge that breaks
 * the spec (no id, an id seen before, a position or size that is not a number in range, an unknown type, an edge to a
 * node that is not there) is left out and described; an optional field that does not pass (a color that is neither a
 * preset {@code "1"}–{@code "6"} nor {@code #rgb}/{@code #rrggbb}, an unknown side or end, a link that is not http(s))
 * is dropped.
 */
record CanvasFile(List<Node> nodes, List<Edge> edges) {

    static final int MAX_NODES = 5_000;
    static final int MAX_EDGES = 10_000;
    /** Farther than this from the origin, a card would only stretch the page. */
    static final long MAX_COORDINATE = 1_000_000;

    static final long MAX_SIZE = 100_000;

    private static final Pattern COLOR = Pattern.compile("[1-6]|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}");
    private static final Pattern WEB_URL = Pattern.compile("(?i)https?://[^\\s\\p{Cntrl}]+");
    private static final Set<String> SIDES = Set.of("top", "right", "bottom", "left");
    private static final Set<String> ENDS = Set.of("none", "arrow");
    private static final Set<String> BACKGROUND_STYLES = Set.of("cover", "ratio", "repeat");

    /** A file that cannot be shown as a canvas at all; the message says why. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Where a node sits, in canvas pixels. */
    record Box(long x, long y, long width, long height) {}

    sealed interface Node permits Text, File, Link, Group {
        String id();

        Box box();

        /** A preset {@code "1"}–{@code "6"}, a lower-case {@code #rgb}/{@code #rrggbb}, or null. */
        String color();
    }

    /** A card of Markdown. */
    record Text(String id, Box box, String color, String text) implements Node {}

    /** A card showing a file of the vault; {@code file} is its path from the vault's root, {@code subpath} a #heading. */
    record File(String id, Box box, String color, String file, String subpath) implements Node {}

    /** A card linking to a web page; {@code url} is null when the file's was not http(s). */
    record Link(String id, Box box, String color, String url) implements Node {}

    /** A labelled box drawn behind the cards it holds; {@code background} is an image path of the vault. */
    record Group(String id, Box box, String color, String label, String background, String backgroundStyle)
            implements Node {}

    /**
     * The canvas {@code source} holds; each element left out is described to {@code problems}.
     *
     * @throws Invalid when the source is not a canvas, or a canvas over the limits
     */
    static CanvasFile parse(String source, Consumer<String> problems) throws Invalid {
        JsonNode root;
        try {
            root = Json.parseUntrusted(source);
        } catch (Json.InvalidJsonException e) {
            throw new Invalid(e.getMessage().replace("the body", "the canvas")
                    + (e.field() == null ? "" : " (in '" + e.field() + "')"));
        }
        if (!root.isObject()) {
            throw new Invalid("the canvas is not a JSON object");
        }
        JsonNode nodes = array(root, "nodes", MAX_NODES);
        JsonNode edges = array(root, "edges", MAX_EDGES);
        List<Node> keptNodes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                Node node = node(nodes.get(i));
                if (!ids.add(node.id())) {
                    throw new Invalid("its id '" + node.id() + "' is used before");
                }
                keptNodes.add(node);
            } catch (Invalid e) {
                problems.accept("node " + (i + 1) + " left out: " + e.getMessage());
            }
        }
        List<Edge> keptEdges = new ArrayList<>();
        Set<String> edgeIds = new HashSet<>();
        for (int i = 0; i < edges.size(); i++) {
            try {
                Edge edge = edge(edges.get(i), ids);
                if (!edgeIds.add(edge.id())) {
                    throw new Invalid("its id '" + edge.id() + "' is used before");
                }
                keptEdges.add(edge);
            } catch (Invalid e) {
                problems.accept("edge " + (i + 1) + " left out: " + e.getMessage());
            }
        }
        return new CanvasFile(List.copyOf(keptNodes), List.copyOf(keptEdges));
    }

    private static JsonNode array(JsonNode root, String field, int max) throws Invalid {
        JsonNode value = root.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Json.mapper().createArrayNode();
        }
        if (!value.isArray()) {
            throw new Invalid("'" + field + "' is not an array");
        }
        if (value.size() > max) {
            throw new Invalid("the canvas has " + value.size() + " " + field + ", over the limit of " + max);
        }
        return value;
    }

    private static Node node(JsonNode json) throws Invalid {
        if (!json.isObject()) {
            throw new Invalid("not an object");
        }
        String id = required(json, "id");
        Box box = new Box(
                number(json, "x", -MAX_COORDINATE, MAX_COORDINATE),
                number(json, "y", -MAX_COORDINATE, MAX_COORDINATE),
                number(json, "width", 1, MAX_SIZE),
                number(json, "height", 1, MAX_SIZE));
        String color = color(json);
        String type = required(json, "type");
        return switch (type) {
            case "text" -> new Text(id, box, color, ObsidianSyntax.neutralizePlaceholders(required(json, "text")));
            case "file" ->
                new File(
                        id,
                        box,
                        color,
                        required(json, "file"),
                        optional(json, "subpath").filter(s -> s.startsWith("#")).orElse(null));
            case "link" ->
                new Link(
                        id,
                        box,
                        color,
                        optional(json, "url")
                                .map(String::strip)
                                .filter(u -> WEB_URL.matcher(u).matches())
                                .orElse(null));
            case "group" ->
                new Group(
                        id,
                        box,
                        color,
                        optional(json, "label").orElse(null),
                        optional(json, "background").orElse(null),
                        optional(json, "backgroundStyle")
                                .filter(BACKGROUND_STYLES::contains)
                                .orElse(null));
            default -> throw new Invalid("its type '" + type + "' is none of text, file, link, group");
        };
    }

    private static Edge edge(JsonNode json, Set<String> nodeIds) throws Invalid {
        if (!json.isObject()) {
            throw new Invalid("not an object");
        }
        String id = required(json, "id");
        String from = required(json, "fromNode");
        String to = required(json, "toNode");
        for (String end : List.of(from, to)) {
            if (!nodeIds.contains(end)) {
                throw new Invalid("it connects node '" + end + "', which is not in the canvas");
            }
        }
        return new Edge(
                id,
                from,
                optional(json, "fromSide").filter(SIDES::contains).orElse(null),
                optional(json, "fromEnd").filter(ENDS::contains).orElse("none"),
                to,
                optional(json, "toSide").filter(SIDES::contains).orElse(null),
                optional(json, "toEnd").filter(ENDS::contains).orElse("arrow"),
                color(json),
                optional(json, "label").orElse(null));
    }

    private static String required(JsonNode json, String field) throws Invalid {
        return optional(json, field).orElseThrow(() -> new Invalid("'" + field + "' is missing or not a string"));
    }

    private static Optional<String> optional(JsonNode json, String field) {
        JsonNode value = json.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** A whole number of pixels: JSON numbers only (never a string such as {@code "10px"}), rounded, in range. */
    private static long number(JsonNode json, String field, long min, long max) throws Invalid {
        JsonNode value = json.path(field);
        if (!value.isNumber()) {
            throw new Invalid("'" + field + "' is missing or not a number");
        }
        double d = value.asDouble();
        if (!(d >= min && d <= max)) {
            throw new Invalid("'" + field + "' is " + value.asText() + ", out of the range " + min + " to " + max);
        }
        return Math.round(d);
    }

    private static String color(JsonNode json) {
        return optional(json, "color")
                .filter(c -> COLOR.matcher(c).matches())
                .map(c -> c.toLowerCase(Locale.ROOT))
                .orElse(null);
    }
}
