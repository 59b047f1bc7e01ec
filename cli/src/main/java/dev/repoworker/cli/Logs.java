package dev.repoworker.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The launcher's logging: Logback behind an asynchronous appender (logback.xml). */
final class Logs {

    private Logs() {}

    /** Writes out every queued line and stops logging; the last thing a command does before it exits. */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
