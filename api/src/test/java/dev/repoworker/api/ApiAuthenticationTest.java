package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.Job;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.HostileJson;
import dev.repoworker.testkit.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9 "Authentication" on the API's callback route: unsigned, wrongly signed, stale, future-dated
 * and replayed callbacks, the replay guard shared by replicas through the database, and its pruning.
 */
@Timeout(120)
class ApiAuthenticationTest {

    private static final Signatures SIGNER = Signatures.of(List.of(TestApi.SECRET));

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static TestApi replica;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        Map<String, String> env = Map.of("REPO_WORKER_API_URL", worker.url());
        api = TestApi.start(dir, env);
        replica = TestApi.start(ApiConfig.fromEnv(TestApi.env(dir, env)));
    }

    @AfterAll
    static void stop() {
        replica.close();
        api.close();
        worker.close();
    }

    private static String dispatchedJob() {
        String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        return id;
    }

    private static Job stored(String id) {
        return api.app.store().jobs().find(id).orElseThrow();
    }

    private static TestApi.Response post(TestApi to, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return to.post(ApiConfig.CALLBACK_PATH, body, all);
    }

    @Test
    void unsigned_wrongly_signed_stale_and_future_dated_callbacks_are_401_naming_the_header() {
        String id = dispatchedJob();
        Job before = stored(id);
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "abc"), Instant.now(), 5));
        long now = Instant.now().getEpochSecond();
        Signatures sixMinutesAgo = Signatures.of(
                List.of(TestApi.SECRET),
                Signatures.DEFAULT_TOLERANCE,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6)));
        Signatures sixMinutesAhead = Signatures.of(
                List.of(TestApi.SECRET),
                Signatures.DEFAULT_TOLERANCE,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(6)));
        long overflowing = Long.MIN_VALUE + now;
        String longId = "m".repeat(Signatures.MAX_MESSAGE_ID_LENGTH + 1);

        assertUnauthorized(post(api, body, Map.of()), Signatures.ID_HEADER);
        assertUnauthorized(
                post(api, body, Signatures.of(List.of(Signatures.newSecret())).headersFor(body)),
                Signatures.SIGNATURE_HEADER);
        assertUnauthorized(post(api, body, SIGNER.headersFor(body.replace("abc", "abd"))), Signatures.SIGNATURE_HEADER);
        assertUnauthorized(post(api, body, sixMinutesAgo.headersFor(body)), Signatures.TIMESTAMP_HEADER);
        assertUnauthorized(post(api, body, sixMinutesAhead.headersFor(body)), Signatures.TIMESTAMP_HEADER);
        assertUnauthorized(
                post(
                        api,
                        body,
                        Map.of(
                                Signatures.ID_HEADER,
                                "msg_x",
                                Signatures.TIMESTAMP_HEADER,
                                Long.toString(overflowing),
                                Signatures.SIGNATURE_HEADER,
                                SIGNER.sign("msg_x", overflowing, body))),
                Signatures.TIMESTAMP_HEADER);
        assertUnauthorized(
                post(
                        api,
                        body,
                        Map.of(
                                Signatures.ID_HEADER,
                                longId,
                                Signatures.TIMESTAMP_HEADER,
                                Long.toString(now),
                                Signatures.SIGNATURE_HEADER,
                                SIGNER.sign(longId, now, body))),
                Signatures.ID_HEADER);
        assertUnauthorized(
                post(api, body, Map.of("Authorization", "Bearer " + TestApi.SECRET + "x")), Signatures.ID_HEADER);

        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void a_replayed_final_callback_is_409_naming_the_webhook_id_and_changes_nothing() {
        String id = dispatchedJob();
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "abc"), Instant.now(), 5));
        Map<String, String> headers = SIGNER.headersFor(body);

        TestApi.Response first = post(api, body, headers);
        Job applied = stored(id);
        TestApi.Response replay = post(api, body, headers);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("applied").asBoolean()).isTrue();
        assertReplayed(replay, headers.get(Signatures.ID_HEADER));
        assertThat(stored(id)).isEqualTo(applied);
    }

    @Test
    void a_replayed_progress_callback_is_409_and_logs_one_event() {
        String id = dispatchedJob();
        String body = Json.write(Callback.running(id, 1, new Progress("clone", 1, 2, "replay me")));
        Map<String, String> headers = SIGNER.headersFor(body);

        assertThat(post(api, body, headers).status()).isEqualTo(200);
        assertReplayed(post(api, body, headers), headers.get(Signatures.ID_HEADER));

        assertThat(api.job(id).get("events").findValuesAsText("message")).containsOnlyOnce("replay me");
    }

    @Test
    void a_callback_replayed_to_another_replica_is_409_there_too() {
        String id = dispatchedJob();
        String body = Json.write(Callback.running(id, 1, new Progress("clone", 1, 2, "cross-replica")));
        Map<String, String> headers = SIGNER.headersFor(body);

        assertThat(post(api, body, headers).status()).isEqualTo(200);
        assertReplayed(post(replica, body, headers), headers.get(Signatures.ID_HEADER));
    }

    @Test
    void a_replay_of_a_callback_that_changed_nothing_is_409_too() {
        String id = dispatchedJob();
        String stale = Json.write(Callback.completed(id, 7, Map.of(), Instant.now(), 1));
        Map<String, String> headers = SIGNER.headersFor(stale);

        TestApi.Response first = post(api, stale, headers);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("applied").asBoolean()).isFalse();
        assertReplayed(post(api, stale, headers), headers.get(Signatures.ID_HEADER));
    }

    /** Two Workers running one (jobId, attempt) (a replay to another instance) send two messages: one applies. */
    @Test
    void a_second_final_callback_of_the_same_attempt_changes_nothing() {
        String id = dispatchedJob();
        String fromFirstWorker = Json.write(Callback.completed(id, 1, Map.of("worker", "first"), Instant.now(), 5));
        String fromSecondWorker = Json.write(Callback.completed(id, 1, Map.of("worker", "second"), Instant.now(), 6));

        assertThat(post(api, fromFirstWorker, SIGNER.headersFor(fromFirstWorker))
                        .json()
                        .get("applied")
                        .asBoolean())
                .isTrue();
        TestApi.Response second = post(replica, fromSecondWorker, SIGNER.headersFor(fromSecondWorker));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("applied").asBoolean()).isFalse();
        assertThat(api.job(id).get("result").get("worker").asText()).isEqualTo("first");
    }

    /** The legacy bearer form carries no message id: a copy is not recognised as such, only the job's state machine holds. */
    @Test
    void a_replayed_bearer_callback_is_acknowledged_and_changes_nothing() {
        String id = dispatchedJob();
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "abc"), Instant.now(), 5));
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + TestApi.SECRET);

        assertThat(post(api, body, bearer).json().get("applied").asBoolean()).isTrue();
        Job applied = stored(id);
        TestApi.Response again = post(api, body, bearer);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("applied").asBoolean()).isFalse();
        assertThat(stored(id)).isEqualTo(applied);
    }

    @Test
    void recorded_webhook_ids_are_pruned_a_margin_after_their_copies_stop_verifying() throws Exception {
        Path own = dir.resolve("pruning");
        ManualClock clock = ManualClock.fromNow();
        try (TestApi pruning = TestApi.start(
                ApiConfig.fromEnv(
                        TestApi.env(own, Map.of("REPO_WORKER_API_URL", worker.url(), "RECONCILE_POLL", "100ms"))),
                clock)) {
            String id = pruning.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pruning.status(id).equals("dispatched"));
            String body = Json.write(Callback.running(id, 1, new Progress("clone", 1, 2, "to be forgotten")));
            Map<String, String> headers = SIGNER.headersFor(body);
            String messageId = headers.get(Signatures.ID_HEADER);

            assertThat(post(pruning, body, headers).status()).isEqualTo(200);
            clock.advance(
                    Signatures.DEFAULT_TOLERANCE.plus(ApiApp.CLOCK_SKEW_MARGIN).minusSeconds(5));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> recorded(own, messageId));

            clock.advance(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> !recorded(own, messageId));
        }
    }

    private static boolean recorded(Path apiDir, String messageId) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabases.sqliteUrl(apiDir));
                var statement = c.prepareStatement("SELECT COUNT(*) FROM webhook_messages WHERE id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1) == 1;
            }
        }
    }

    private static void assertUnauthorized(TestApi.Response response, String header) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(HostileJson.leak(response.body())).isEmpty();
        JsonNode error = response.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("unauthorized");
        assertThat(error.get("field").asText()).as(response.body()).isEqualTo(header);
    }

    private static void assertReplayed(TestApi.Response response, String messageId) {
        assertThat(response.status()).as(response.body()).isEqualTo(409);
        JsonNode error = response.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("replayed");
        assertThat(error.get("field").asText()).isEqualTo(Signatures.ID_HEADER);
        assertThat(error.get("message").asText()).contains(messageId);
    }
}
