package dev.repoworker.api.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.api.TestDatabases;
import dev.repoworker.api.job.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries are kept once each and forgotten with the job retention, on both stores. */
class GitHubDeliveriesTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void deliveries_received_before_the_cutoff_are_forgotten_on_the_embedded_store() {
        try (Database database = Database.open(TestDatabases.sqliteUrl(dir), null, null, 2)) {
            assertForgottenBeforeTheCutoff(new GitHubDeliveries(database));
        }
    }

    @Test
    void deliveries_received_before_the_cutoff_are_forgotten_on_postgresql() {
        TestDatabases.PostgresSchema schema = TestDatabases.createPostgresSchema();
        try (Database database = Database.open(schema.url(), TestDatabases.POSTGRES_USER, null, 2)) {
            assertForgottenBeforeTheCutoff(new GitHubDeliveries(database));
        } finally {
            TestDatabases.dropSchema(schema);
        }
    }

    private static void assertForgottenBeforeTheCutoff(GitHubDeliveries deliveries) {
        assertThat(deliveries.record(delivery("old", T0.minusSeconds(1)))).isTrue();
        assertThat(deliveries.record(delivery("at-the-cutoff", T0))).isTrue();
        assertThat(deliveries.record(delivery("old", T0)))
                .as("a delivery is kept once")
                .isFalse();

        assertThat(deliveries.forgetBefore(T0)).isEqualTo(1);

        assertThat(deliveries.find("old")).isEmpty();
        assertThat(deliveries.find("at-the-cutoff")).isPresent();
        assertThat(deliveries.record(delivery("old", T0.plusSeconds(1))))
                .as("a forgotten id is taken again")
                .isTrue();
    }

    private static Delivery delivery(String id, Instant receivedAt) {
        return new Delivery(
                id, "push", "acme/notes", "refs/heads/main", Delivery.Outcome.IGNORED, List.of(), receivedAt);
    }
}
