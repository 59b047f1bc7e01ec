package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Canvas;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The page of a canvas: a container the size of the canvas's bounding box; groups as labelled boxes behind; one inline
 * {@code <svg>} with a path per edge (arrowheads as polygons, labels as text); then a card per other node. Every box
 * is placed by its position and size, shifted so that the smallest x and y are 0.
 *
 * <p>This markup is the one part of a post that does not pass through {@link HtmlSanitizer}, which strips
 * {@code style} and {@code <svg>} (from a note they are as dangerous as a script) and so would lose every position.
 * It is built here from numbers (read as JSON numbers, never strings), colors that are a preset or
 * {@code #rgb}/{@code #rrggbb} (checked again here) and escaped text (ids, labels). What else a user wrote reaches it
 * only as card contents, which are the sanitiser's output, inside a plain {@code <div>}.
 */
final class CanvasHtml {

    private static final Map<String, String> PRESETS =
            Map.of("1", "#fb464c", "2", "#e9973f", "3", "#e0de71", "4", "#44cf6e", "5", "#53dfdd", "6", "#a882ff");
    private static final Pattern HEX = Pattern.compile("#[0-9a-f]{3}|#[0-9a-f]{6}");
    private static final String NO_COLOR = "rgba(128,128,128,0.6)";
    private static final double ARROW_LENGTH = 12;
    private static final double ARROW_HALF_WIDTH = 6;

    private record Point(double x, double y) {
        Point plus(Point direction, double times) {
            return new Point(x + direction.x * times, y + direction.y * times);
        }
    }

    private CanvasHtml() {}

    static String page(List<CanvasRenderer.Card> cards, List<Canvas.Edge> edges) {
        long minX = cards.stream().mapToLong(c -> c.source().box().x()).min().orElse(0);
        long minY = cards.stream().mapToLong(c -> c.source().box().y()).min().orElse(0);
        Map<String, CanvasFile.Box> boxes = new HashMap<>();
        for (CanvasRenderer.Card card : cards) {
            CanvasFile.Box b = card.source().box();
            boxes.put(card.source().id(), new CanvasFile.Box(b.x() - minX, b.y() - minY, b.width(), b.height()));
        }
        long width =
                boxes.values().stream().mapToLong(b -> b.x() + b.width()).max().orElse(0);
        long height =
                boxes.values().stream().mapToLong(b -> b.y() + b.height()).max().orElse(0);
        StringBuilder html = new StringBuilder("<div class=\"canvas\" style=\"position:relative;width:")
                .append(width)
                .append("px;height:")
                .append(height)
                .append("px\">");
        // Larger groups first: a group inside another is drawn over it.
        cards.stream()
                .filter(c -> c.source() instanceof CanvasFile.Group)
                .sorted(Comparator.comparing(
                        (CanvasRenderer.Card c) -> -area(c.source().box())))
                .forEach(c -> group(html, c, boxes.get(c.source().id())));
        html.append("<svg class=\"canvas-edges\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" style=\"position:absolute;left:0;top:0;overflow:visible;pointer-events:none\">");
        edges.forEach(e -> edge(html, e, boxes.get(e.fromNode()), boxes.get(e.toNode())));
        html.append("</svg>");
        cards.stream()
                .filter(c -> !(c.source() instanceof CanvasFile.Group))
                .forEach(c -> card(html, c, boxes.get(c.source().id())));
        return html.append("</div>").toString();
    }

    private static void group(StringBuilder html, CanvasRenderer.Card card, CanvasFile.Box box) {
        open(html, card, "canvas-group", box, "");
        String label = ((CanvasFile.Group) card.source()).label();
        if (label != null && !label.isEmpty()) {
            html.append("<div class=\"canvas-group-label\">")
                    .append(Html.text(label))
                    .append("</div>");
        }
        html.append("</div>");
    }

    private static void card(StringBuilder html, CanvasRenderer.Card card, CanvasFile.Box box) {
        String type = switch (card.source()) {
            case CanvasFile.Text t -> "canvas-text";
            case CanvasFile.File f -> "canvas-file";
            case CanvasFile.Link l -> "canvas-link";
            case CanvasFile.Group g -> "canvas-group";
        };
        open(html, card, type, box, "overflow:auto;");
        html.append("<div class=\"canvas-card-content\">")
                .append(card.content())
                .append("</div></div>");
    }

    private static void open(
            StringBuilder html, CanvasRenderer.Card card, String type, CanvasFile.Box box, String extraStyle) {
        String color = color(card.source().color());
        html.append("<div class=\"canvas-node ")
                .append(type)
                .append("\" data-node-id=\"")
                .append(Html.attr(card.source().id()))
                .append('"');
        if (color != null) {
            html.append(" data-color=\"").append(card.source().color()).append('"');
        }
        html.append(" style=\"position:absolute;box-sizing:border-box;left:")
                .append(box.x())
                .append("px;top:")
                .append(box.y())
                .append("px;width:")
                .append(box.width())
                .append("px;height:")
                .append(box.height())
                .append("px;border:2px solid ")
                .append(color == null ? NO_COLOR : color)
                .append(";border-radius:8px;")
                .append(extraStyle)
                .append("\">");
    }

    private static void edge(StringBuilder html, Canvas.Edge edge, CanvasFile.Box from, CanvasFile.Box to) {
        String fromSide = edge.fromSide() != null ? edge.fromSide() : facing(from, to);
        String toSide = edge.toSide() != null ? edge.toSide() : facing(to, from);
        Point start = anchor(from, fromSide);
        Point end = anchor(to, toSide);
        Point startNormal = normal(fromSide);
        Point endNormal = normal(toSide);
        double reach = Math.clamp(Math.hypot(end.x - start.x, end.y - start.y) / 2, 30, 150);
        Point c1 = start.plus(startNormal, reach);
        Point c2 = end.plus(endNormal, reach);
        String color = color(edge.color());
        String stroke = color == null ? "currentColor" : color;
        html.append("<g class=\"canvas-edge\" data-edge-id=\"")
                .append(Html.attr(edge.id()))
                .append('"');
        if (color != null) {
            html.append(" data-color=\"").append(edge.color()).append('"');
        }
        html.append("><path d=\"M")
                .append(xy(start))
                .append(" C")
                .append(xy(c1))
                .append(' ')
                .append(xy(c2))
                .append(' ')
                .append(xy(end))
                .append("\" fill=\"none\" stroke=\"")
                .append(stroke)
                .append("\" stroke-width=\"2\"></path>");
        if (edge.fromEnd().equals("arrow")) {
            arrow(html, start, startNormal, stroke);
        }
        if (edge.toEnd().equals("arrow")) {
            arrow(html, end, endNormal, stroke);
        }
        if (edge.label() != null && !edge.label().isEmpty()) {
            Point middle =
                    new Point((start.x + 3 * c1.x + 3 * c2.x + end.x) / 8, (start.y + 3 * c1.y + 3 * c2.y + end.y) / 8);
            html.append("<text class=\"canvas-edge-label\" x=\"")
                    .append(number(middle.x))
                    .append("\" y=\"")
                    .append(number(middle.y))
                    .append("\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"")
                    .append(stroke)
                    .append("\">")
                    .append(Html.text(edge.label()))
                    .append("</text>");
        }
        html.append("</g>");
    }

    /** An arrowhead whose tip touches the node at {@code tip}; {@code normal} points out of that side. */
    private static void arrow(StringBuilder html, Point tip, Point normal, String fill) {
        Point base = tip.plus(normal, ARROW_LENGTH);
        Point across = new Point(-normal.y, normal.x);
        html.append("<polygon points=\"")
                .append(xy(tip))
                .append(' ')
                .append(xy(base.plus(across, ARROW_HALF_WIDTH)))
                .append(' ')
                .append(xy(base.plus(across, -ARROW_HALF_WIDTH)))
                .append("\" fill=\"")
                .append(fill)
                .append("\"></polygon>");
    }

    /** The side of {@code box} that faces {@code other}, for an edge that names none. */
    private static String facing(CanvasFile.Box box, CanvasFile.Box other) {
        double dx = (other.x() + other.width() / 2.0) - (box.x() + box.width() / 2.0);
        double dy = (other.y() + other.height() / 2.0) - (box.y() + box.height() / 2.0);
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx >= 0 ? "right" : "left";
        }
        return dy >= 0 ? "bottom" : "top";
    }

    private static Point anchor(CanvasFile.Box b, String side) {
        return switch (side) {
            case "top" -> new Point(b.x() + b.width() / 2.0, b.y());
            case "bottom" -> new Point(b.x() + b.width() / 2.0, b.y() + b.height());
            case "left" -> new Point(b.x(), b.y() + b.height() / 2.0);
            default -> new Point(b.x() + b.width(), b.y() + b.height() / 2.0);
        };
    }

    private static Point normal(String side) {
        return switch (side) {
            case "top" -> new Point(0, -1);
            case "bottom" -> new Point(0, 1);
            case "left" -> new Point(-1, 0);
            default -> new Point(1, 0);
        };
    }

    /** The CSS color of a canvas color, or null; anything but a preset or a hex color is refused here too. */
    static String color(String canvasColor) {
        if (canvasColor == null) {
            return null;
        }
        String preset = PRESETS.get(canvasColor);
        if (preset != null) {
            return preset;
        }
        return HEX.matcher(canvasColor).matches() ? canvasColor : null;
    }

    private static double area(CanvasFile.Box b) {
        return (double) b.width() * b.height();
    }

    private static String xy(Point p) {
        return number(p.x) + "," + number(p.y);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }
}
