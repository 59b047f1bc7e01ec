package dev.repoworker.api.job;

import dev.repoworker.api.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2JobStoreTest extends JobStoreContract {

    @TempDir
    static Path dir;
    static Database database;
    static JobStore store;

    @BeforeAll
    static void open() {
        database = Database.open(TestDatabases.h2Url(dir), null, null, 8);
        store = new JdbiJobStore(database);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    JobStore store() {
        return store;
    }
}
