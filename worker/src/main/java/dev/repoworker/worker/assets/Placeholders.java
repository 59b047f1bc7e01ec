package dev.repoworker.worker.assets;

import dev.repoworker.worker.assets.ObsidianSyntax.Fragment;
import java.util.List;
import java.util.regex.Pattern;

/** The placeholders {@link ObsidianSyntax} leaves in the Markdown, replaced by their fragments' HTML. */
final class Placeholders {

    private Placeholders() {}

    /**
     * Puts the fragments in place of their placeholders in the parser's HTML, before it is parsed once: a block
     * fragment alone in a paragraph replaces the paragraph; inside a tag (an attribute value) a placeholder becomes
     * the fragment's escaped text, so it can never open markup there.
     */
    static String substitute(String html, List<Fragment> fragments) {
        if (fragments.isEmpty() || html.indexOf(ObsidianSyntax.OPEN) < 0) {
            return html;
        }
        StringBuilder out = new StringBuilder(html.length() + fragments.size() * 64);
        boolean inTag = false;
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == ObsidianSyntax.OPEN) {
                int close = html.indexOf(ObsidianSyntax.CLOSE, i);
                if (close > i) {
                    Fragment f = fragments.get(Integer.parseInt(html, i + 1, close, 10));
                    if (inTag) {
                        out.append(Html.text(TAGS.matcher(f.html()).replaceAll("")));
                    } else if (f.block() && endsWith(out, "<p>") && html.startsWith("</p>", close + 1)) {
                        out.setLength(out.length() - 3);
                        out.append(f.html());
                        close += 4;
                    } else {
                        out.append(f.html());
                    }
                    i = close + 1;
                    continue;
                }
            }
            if (c == '<') {
                inTag = true;
            } else if (c == '>') {
                inTag = false;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static final Pattern TAGS = Pattern.compile("<[^>]*>");

    private static boolean endsWith(StringBuilder sb, String suffix) {
        int n = sb.length() - suffix.length();
        return n >= 0 && sb.indexOf(suffix, n) == n;
    }
}
