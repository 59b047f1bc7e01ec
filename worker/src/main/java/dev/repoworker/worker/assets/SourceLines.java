package dev.repoworker.worker.assets;

import java.util.Arrays;

/**
 * Line numbers for text found in a note's source, for issues about constructs the DOM pass meets. Searching is
 * bounded per note (a budget of characters scanned), so a note with a million distinct broken links costs linear
 * time; past the budget the line is 0 (unknown).
 */
final class SourceLines {

    private final String source;
    private int[] lineStarts;
    private long budget;

    SourceLines(String source) {
        this.source = source;
        this.budget = 16L * source.length() + 1_000_000;
    }

    /** The 1-based line of the first occurrence of {@code text}, or 0 when absent or past the budget. */
    int lineOf(String text) {
        if (text.isEmpty() || budget <= 0) {
            return 0;
        }
        int at = source.indexOf(text);
        budget -= at < 0 ? source.length() : at + text.length();
        return at < 0 ? 0 : lineAt(at);
    }

    private int lineAt(int offset) {
        if (lineStarts == null) {
            lineStarts = starts(source);
        }
        int i = Arrays.binarySearch(lineStarts, offset);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private static int[] starts(String source) {
        int count = 1;
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                count++;
            }
        }
        int[] starts = new int[count];
        int n = 1;
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                starts[n++] = i + 1;
            }
        }
        return starts;
    }
}
