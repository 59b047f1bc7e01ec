package dev.repoworker.api.job;

import java.time.Instant;

/**
 * The webhook ids of the callbacks already applied (recorded by {@link JobStore#applyCallbacks}, so a replayed
 * copy changes nothing), kept while a copy of their message would still verify.
 */
public final class MessageLog {

    private final Database database;

    MessageLog(Database database) {
        this.database = database;
    }

    /** Forgets the recorded messages whose copies no longer verify (expired before {@code now}); returns how many. */
    public int forgetMessages(Instant now) {
        return database.jdbi()
                .withHandle(h -> h.createUpdate("DELETE FROM webhook_messages WHERE expires_at < :now")
                        .bind("now", now.toEpochMilli())
                        .execute());
    }
}
