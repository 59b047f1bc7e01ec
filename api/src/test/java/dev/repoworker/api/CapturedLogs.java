package dev.repoworker.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Every log line of a test class, ours down to DEBUG, for tests that prove no secret is ever logged
 * ({@code @RegisterExtension static final CapturedLogs logs = new CapturedLogs();}). Registered before the class's
 * own {@code @BeforeAll}, so the servers it starts log into it; the level is restored afterwards.
 */
final class CapturedLogs implements BeforeAllCallback, AfterAllCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ours = (Logger) LoggerFactory.getLogger("dev.repoworker");
    private Level oursBefore;

    @Override
    public void beforeAll(ExtensionContext context) {
        appender.start();
        root.addAppender(appender);
        oursBefore = ours.getLevel();
        ours.setLevel(Level.DEBUG);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        root.detachAppender(appender);
        ours.setLevel(oursBefore);
    }

    List<ILoggingEvent> lines() {
        return appender.list;
    }
}
