package dev.repoworker.worker.assets;

import java.util.List;

/**
 * Character scans of one Markdown line for {@link ObsidianSyntax}: its container nesting depth, the extent of a
 * {@code [[link]]} and the backtick runs that open and close inline code spans.
 */
final class LineScan {

    private LineScan() {}

    /**
     * The container depth of a line: its quote and list markers ({@code >}, {@code -}, {@code *}, {@code +},
     * {@code 1.}, {@code 1)}) plus one level per two columns of indentation before them; 0 without markers.
     */
    static int nesting(String line) {
        int i = 0;
        int columns = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            columns += line.charAt(i) == '\t' ? 4 : 1;
            i++;
        }
        int markers = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '>') {
                markers++;
                i++;
            } else if ((c == '-' || c == '*' || c == '+') && spaceAt(line, i + 1)) {
                markers++;
                i += 2;
            } else if (c >= '0' && c <= '9') {
                int end = i;
                while (end < line.length() && end - i < 9 && line.charAt(end) >= '0' && line.charAt(end) <= '9') {
                    end++;
                }
                if (end >= line.length()
                        || (line.charAt(end) != '.' && line.charAt(end) != ')')
                        || !spaceAt(line, end + 1)) {
                    break;
                }
                markers++;
                i = end + 2;
            } else {
                break;
            }
        }
        return markers == 0 ? 0 : markers + columns / 2;
    }

    private static boolean spaceAt(String line, int i) {
        return i >= line.length() || line.charAt(i) == ' ' || line.charAt(i) == '\t';
    }

    /** The end of the {@code [[…]]} at {@code at} (as {@code ObsidianSyntax.WIKI} would match it), or -1. */
    static int wikiEnd(String line, int at) {
        if (!line.startsWith("[[", at)) {
            return -1;
        }
        for (int i = at + 2; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ']') {
                return i > at + 2 && line.startsWith("]]", i) ? i + 2 : -1;
            }
            if (c == '[') {
                return -1;
            }
        }
        return -1;
    }

    static int runLength(String s, int at, char c) {
        int n = 0;
        while (at + n < s.length() && s.charAt(at + n) == c) {
            n++;
        }
        return n;
    }

    /** Start of the next run of exactly {@code length} backticks at or after {@code from}, or -1. */
    static int findRun(String s, int from, int length) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '`') {
                int run = runLength(s, i, '`');
                if (run == length) {
                    return i;
                }
                i += run;
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * Appends the backtick run at {@code at} to {@code kept}, with the code span it opens when it is closed on the
     * line (whose range in {@code kept} is added to {@code codeSpans}); returns the index after what was kept.
     */
    static int keepBackticks(String line, int at, StringBuilder kept, List<int[]> codeSpans) {
        int run = runLength(line, at, '`');
        int close = findRun(line, at + run, run);
        if (close < 0) {
            kept.append(line, at, at + run);
            return at + run;
        }
        codeSpans.add(new int[] {kept.length(), kept.length() + close + run - at});
        kept.append(line, at, close + run);
        return close + run;
    }
}
