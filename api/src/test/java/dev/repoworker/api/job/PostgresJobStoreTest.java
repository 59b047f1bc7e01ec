package dev.repoworker.api.job;

import dev.repoworker.api.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresJobStoreTest extends JobStoreContract {

    static TestDatabases.PostgresSchema schema;
    static Database database;
    static JobStore store;

    @BeforeAll
    static void open() {
        schema = TestDatabases.createPostgresSchema();
        database = Database.open(schema.url(), TestDatabases.POSTGRES_USER, null, 8);
        store = new JdbiJobStore(database);
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
        TestDatabases.dropSchema(schema);
    }

    @Override
    JobStore store() {
        return store;
    }
}
