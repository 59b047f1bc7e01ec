package dev.repoworker.embeddings;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * A post's text split at its headings. {@code text} is what chunk offsets point into: the text of
 * the post's HTML (headings excluded, blocks separated by newlines, sections by a blank line), or
 * its {@code plain} text split at the {@code toc} headings, or {@code plain} as one section.
 */
record PostText(String text, List<Section> sections) {

    /** A run of text under one heading path; {@code [start, end)} in {@link #text}. */
    record Section(List<String> headingPath, String anchor, int start, int end) {}

    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
    private static final Set<String> SKIPPED = Set.of("script", "style", "template", "noscript", "svg", "head");

    static PostText of(Post post) {
        if (post.html() != null && !post.html().isBlank()) {
            return fromHtml(post.html());
        }
        String plain = post.plain() == null ? "" : post.plain();
        return post.toc().isEmpty() ? single(plain) : fromPlain(plain, post.toc());
    }

    private static PostText single(String plain) {
        String text = plain.strip();
        return new PostText(text, text.isEmpty() ? List.of() : List.of(new Section(List.of(), "", 0, text.length())));
    }

    /** Plain text with the toc: each heading text found (in order) starts a section; its own line is left out. */
    private static PostText fromPlain(String plain, List<Post.TocEntry> toc) {
        Builder builder = new Builder();
        int position = 0;
        for (Post.TocEntry entry : toc) {
            int at = plain.indexOf(entry.text(), position);
            if (at < 0) {
                continue;
            }
            builder.append(plain.substring(position, at));
            builder.heading(entry.level(), entry.text(), entry.id());
            position = at + entry.text().length();
        }
        builder.append(plain.substring(position));
        return builder.finish();
    }

    private static PostText fromHtml(String html) {
        Element body = Jsoup.parseBodyFragment(html).body();
        Builder builder = new Builder();
        NodeTraversor.traverse(
                new NodeVisitor() {
                    private Node skipping;

                    @Override
                    public void head(Node node, int depth) {
                        if (skipping != null) {
                            return;
                        }
                        if (node instanceof Element element) {
                            String tag = element.normalName();
                            if (HEADINGS.contains(tag)) {
                                builder.heading(tag.charAt(1) - '0', element.text(), anchor(element));
                                skipping = node;
                            } else if (SKIPPED.contains(tag)) {
                                skipping = node;
                            } else if (tag.equals("br") || element.isBlock()) {
                                builder.lineBreak();
                            }
                        } else if (node instanceof TextNode textNode) {
                            builder.append(textNode.text());
                        }
                    }

                    @Override
                    public void tail(Node node, int depth) {
                        if (node == skipping) {
                            skipping = null;
                        } else if (skipping == null && node instanceof Element element && element.isBlock()) {
                            builder.lineBreak();
                        }
                    }
                },
                body);
        return builder.finish();
    }

    private static String anchor(Element heading) {
        if (!heading.id().isEmpty()) {
            return heading.id();
        }
        Element named = heading.selectFirst("a[id], a[name]");
        return named == null ? "" : named.hasAttr("id") ? named.attr("id") : named.attr("name");
    }

    /** Accumulates normalised text and cuts a section at every heading. */
    private static final class Builder {
        private static final Pattern SPACE_RUN = Pattern.compile("[ \\t\\x0B\\f\\r\\u00A0]+");
        private static final Pattern NEWLINE_RUN = Pattern.compile(" ?\\n[ \\n]*");
        private final StringBuilder text = new StringBuilder();
        private final List<Section> sections = new ArrayList<>();
        private final Deque<Heading> path = new ArrayDeque<>();
        private String anchor = "";
        private int sectionStart;

        private record Heading(int level, String text) {}

        void append(String raw) {
            String collapsed =
                    NEWLINE_RUN.matcher(SPACE_RUN.matcher(raw).replaceAll(" ")).replaceAll("\n");
            for (int i = 0; i < collapsed.length(); i++) {
                char c = collapsed.charAt(i);
                if (c == ' ' || c == '\n') {
                    if (text.length() == sectionStart || isSpace(text.charAt(text.length() - 1))) {
                        continue;
                    }
                }
                text.append(c);
            }
        }

        void lineBreak() {
            int length = text.length();
            if (length > sectionStart) {
                if (text.charAt(length - 1) == ' ') {
                    text.setCharAt(length - 1, '\n');
                } else if (text.charAt(length - 1) != '\n') {
                    text.append('\n');
                }
            }
        }

        void heading(int level, String headingText, String headingAnchor) {
            closeSection();
            while (!path.isEmpty() && path.peekLast().level() >= level) {
                path.removeLast();
            }
            path.addLast(new Heading(level, headingText.strip()));
            anchor = headingAnchor == null ? "" : headingAnchor;
        }

        private void closeSection() {
            int end = text.length();
            while (end > sectionStart && isSpace(text.charAt(end - 1))) {
                end--;
            }
            text.setLength(end);
            if (end > sectionStart) {
                sections.add(new Section(
                        path.stream()
                                .map(Heading::text)
                                .filter(h -> !h.isEmpty())
                                .toList(),
                        anchor,
                        sectionStart,
                        end));
                text.append("\n\n");
            }
            sectionStart = text.length();
        }

        PostText finish() {
            closeSection();
            int end = text.length();
            while (end > 0 && isSpace(text.charAt(end - 1))) {
                end--;
            }
            text.setLength(end);
            return new PostText(text.toString(), List.copyOf(sections));
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\n';
        }
    }
}
