package dev.repoworker.api;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One PostgreSQL schema for a test class, made before its first test and dropped after its last
 * ({@code @RegisterExtension static final SharedPostgres postgres = new SharedPostgres();}), and the variables that
 * point API replicas at it: the same {@code DATABASE_URL}, user and {@code SECRETS_KEY}, so each replica opens what
 * another sealed. Skipped without PostgreSQL, failed under {@code CI=true} ({@link TestDatabases}).
 */
public final class SharedPostgres implements BeforeAllCallback, AfterAllCallback {

    public static final String SECRETS_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private TestDatabases.PostgresSchema schema;

    @Override
    public void beforeAll(ExtensionContext context) {
        schema = TestDatabases.createPostgresSchema();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabases.dropSchema(schema);
    }

    public TestDatabases.PostgresSchema schema() {
        return schema;
    }

    /** A replica's database variables (a mutable map, for the test to add its own). */
    public Map<String, String> replicaEnv() {
        return new HashMap<>(Map.of(
                "DATABASE_URL",
                schema.url(),
                "DATABASE_USER",
                TestDatabases.POSTGRES_USER,
                "SECRETS_KEY",
                SECRETS_KEY));
    }
}
