package dev.repoworker.worker.enrich;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** The sentence around each link of a post's HTML, shown beside a backlink. */
final class LinkContexts {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final int CONTEXT_MAX = 300;

    private LinkContexts() {}

    /** Target slug → the sentence of the first link to it in {@code html}. */
    static Map<String, String> of(String html) {
        Map<String, String> contexts = new LinkedHashMap<>();
        if (html.isBlank()) {
            return contexts;
        }
        Document document = Jsoup.parseBodyFragment(html);
        for (Element a : document.select("a[data-slug]")) {
            String target = a.attr("data-slug");
            if (target.isBlank() || contexts.containsKey(target)) {
                continue;
            }
            Element block = a;
            while (block.parent() != null && !block.isBlock()) {
                block = block.parent();
            }
            String text = block.text().trim();
            String anchor = a.text().trim();
            String sentence = text;
            for (String s : SENTENCE_END.split(text)) {
                if (!anchor.isEmpty() && s.contains(anchor)) {
                    sentence = s;
                    break;
                }
            }
            if (sentence.length() > CONTEXT_MAX) {
                int at = Math.max(0, sentence.indexOf(anchor));
                int from = Math.max(0, Math.min(at - CONTEXT_MAX / 3, sentence.length() - CONTEXT_MAX));
                sentence = (from > 0 ? "…" : "")
                        + sentence.substring(from, Math.min(sentence.length(), from + CONTEXT_MAX))
                                .trim() + "…";
            }
            contexts.put(target, sentence);
        }
        return contexts;
    }
}
