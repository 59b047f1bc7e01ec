package dev.repoworker.api.job;

import dev.repoworker.api.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** The contract on PostgreSQL: a fresh schema per test on the machine's server (skipped, with the reason, without one). */
class PostgresJobStoreTest extends JobStoreContract {

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
