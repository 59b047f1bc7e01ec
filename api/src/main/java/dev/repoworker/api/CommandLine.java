package dev.repoworker.api;

import dev.repoworker.protocol.Env;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a configured command line into an argument list (spaces separate; single or double quotes
 * group; a backslash escapes the next character). No shell ever sees it.
 */
final class CommandLine {

    private CommandLine() {}

    static List<String> split(String variable, String line) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quote != '\'' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                inArg = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (quote != 0) {
            throw new Env.InvalidConfigException(variable, "has an unclosed quote");
        }
        if (inArg) {
            args.add(current.toString());
        }
        return args;
    }
}
