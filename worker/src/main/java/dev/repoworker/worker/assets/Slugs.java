package dev.repoworker.worker.assets;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Slugs for posts and heading anchors: lower case letters and digits joined by single dashes. */
public final class Slugs {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final int MAX_LENGTH = 100;

    private Slugs() {}

    /** {@code "Héllo, World!.md"} → {@code "hello-world-md"}; never empty ({@code "note"}), never a path. */
    public static String slugify(String text) {
        String s = anchor(text);
        return s.isEmpty() ? "note" : s;
    }

    /** The id of a heading with this text; the same function makes heading ids and {@code [[Note#Heading]]} links. */
    public static String anchor(String text) {
        String s = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKD);
        s = MARKS.matcher(s).replaceAll("");
        s = NON_WORD.matcher(s.toLowerCase(Locale.ROOT)).replaceAll("-");
        s = trimDashes(s);
        if (s.length() > MAX_LENGTH) {
            s = trimDashes(s.substring(0, MAX_LENGTH));
        }
        return s;
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
