package dev.repoworker.cli;

import java.io.Console;

/** Whether the CLI talks to a person at a terminal, or writes into a file or a pipe. */
final class Terminal {

    private Terminal() {}

    /**
     * True when stdin and stdout are a terminal. Since JDK 22 {@link System#console()} is not null when they are
     * redirected, so only {@link Console#isTerminal()} tells.
     */
    static boolean isInteractive() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** {@code text} on one line: control characters (a line break, a carriage return, an escape) become spaces. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\p{Cntrl}", " ").strip();
    }
}
