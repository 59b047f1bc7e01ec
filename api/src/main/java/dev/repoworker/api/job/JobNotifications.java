package dev.repoworker.api.job;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL {@code LISTEN} on the channel a batch of new jobs notifies ({@link JobStore#JOBS_CHANNEL}), on
 * a connection of its own: a submission on any replica wakes the dispatcher of every replica at once. Polling
 * stays as the safety net (a notification is lost while this connection is down, and that is all).
 */
public final class JobNotifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobNotifications.class);
    private static final int WAIT_MS = 1_000;

    private final String url;
    private final String user;
    private final String password;
    private final Runnable onNotify;
    private final Thread thread;
    private volatile boolean closed;

    public JobNotifications(String url, String user, String password, Runnable onNotify) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.onNotify = onNotify;
        this.thread = new Thread(this::run, "job-notifications");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!closed) {
            try (Connection connection = DriverManager.getConnection(url, user, password)) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + JobStore.JOBS_CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MS);
                    if (notifications != null && notifications.length > 0) {
                        onNotify.run();
                    }
                }
            } catch (SQLException e) {
                if (!closed) {
                    LOG.debug("LISTEN connection lost ({}); polling covers it until it is back", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
