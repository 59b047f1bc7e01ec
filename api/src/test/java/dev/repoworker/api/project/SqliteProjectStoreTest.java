package dev.repoworker.api.project;

import dev.repoworker.api.TestDatabases;
import dev.repoworker.api.job.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The project contract on the embedded store. */
class SqliteProjectStoreTest extends ProjectStoreContract {

    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open(TestDatabases.sqliteUrl(dir), null, null, 8);
    }
}
