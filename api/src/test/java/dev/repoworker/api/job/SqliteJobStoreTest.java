package dev.repoworker.api.job;

import dev.repoworker.api.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded store: a fresh SQLite file (WAL, synchronous=FULL) per test. */
class SqliteJobStoreTest extends JobStoreContract {

    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open(TestDatabases.sqliteUrl(dir), null, null, 8);
    }
}
