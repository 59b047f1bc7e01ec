package dev.repoworker.api.project;

import dev.repoworker.api.TestDatabases;
import dev.repoworker.api.job.Database;
import org.junit.jupiter.api.AfterEach;

/** The project contract on PostgreSQL: a fresh schema per test (skipped, with the reason, without a server). */
class PostgresProjectStoreTest extends ProjectStoreContract {

    private TestDatabases.PostgresSchema schema;

    @Override
    Database openDatabase() {
        schema = TestDatabases.createPostgresSchema();
        return Database.open(schema.url(), TestDatabases.POSTGRES_USER, null, 8);
    }

    @AfterEach
    void dropSchema() {
        TestDatabases.dropSchema(schema);
    }
}
