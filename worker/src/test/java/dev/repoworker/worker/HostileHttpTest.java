package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.HostileJson;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #9 "HTTP": every hostile request in one table, against a real Worker on a random port. Each gets
 * the expected status and, when refused, a JSON error naming the field, never a 5xx, never a trace.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpTest {

    private static final String SECRET = Signatures.newSecret();
    private static final int MAX_BODY_BYTES = 4096;
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    static Path tempDir;

    static WorkerApp app;
    static CallbackReceiver receiver;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        receiver = CallbackReceiver.verifying(SECRET);
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.put("MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES));
        app = TestWorkers.start(env);
    }

    @AfterAll
    static void stop() {
        app.stop();
        receiver.close();
    }

    enum Auth {
        SIGNED,
        BEARER
    }

    record Hostile(
            String name,
            String method,
            String path,
            Auth auth,
            String contentType,
            byte[] body,
            boolean chunked,
            int status,
            String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void a_hostile_request_is_answered_cleanly(Hostile request) throws Exception {
        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(request.status());
        assertThat(HostileJson.leak(response.body())).as(response.body()).isEmpty();
        if (request.status() >= 400) {
            assertThat(response.headers().firstValue("Content-Type"))
                    .get()
                    .asString()
                    .startsWith("application/json");
            JsonNode error = Json.mapper().readTree(response.body());
            assertThat(error.path("status").asText()).isEqualTo("error");
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(error.path("field").asText(null)).as(response.body()).isEqualTo(request.field());
        }
    }

    @Order(2)
    @Test
    void the_worker_still_answers_health_and_ran_only_the_accepted_jobs() throws Exception {
        HttpResponse<String> health =
                HTTP.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(receiver.received())
                .allSatisfy(r -> assertThat(r.body().path("jobId").asText()).startsWith("ok-"));
    }

    static Stream<Hostile> hostileRequests() {
        List<Hostile> cases = new ArrayList<>();
        // size and content type
        String big = Json.write(valid("big")
                .set("data", Json.mapper().createObjectNode().put("pad", "x".repeat(MAX_BODY_BYTES))));
        cases.add(process("body over MAX_BODY_BYTES", big, 413, "body"));
        cases.add(new Hostile(
                "chunked body over MAX_BODY_BYTES",
                "POST",
                "/process",
                Auth.SIGNED,
                "application/json",
                big.getBytes(StandardCharsets.UTF_8),
                true,
                413,
                "body"));
        for (String type : new String[] {
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/jsonx",
            "application/json; charset=iso-8859-1",
            "text/json"
        }) {
            cases.add(withType("Content-Type " + type, type, 415, "Content-Type"));
        }
        cases.add(withType("no Content-Type", null, 415, "Content-Type"));
        cases.add(withType(
                "Content-Type application/json; charset=utf-8 (accepted)",
                "application/json; charset=utf-8",
                202,
                null));
        // deeply nested
        cases.add(process(
                "data nested 1000 arrays deep",
                body(valid("n"), "data", "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}"),
                400,
                "data"));
        cases.add(process(
                "data nested 70 objects deep",
                body(valid("n"), "data", "{\"a\":".repeat(70) + "1" + "}".repeat(70)),
                400,
                "data"));
        cases.add(process("a whole body of 1000 nested arrays", "[".repeat(1000) + "]".repeat(1000), 400, "body"));
        // huge and odd numbers where whole numbers are expected
        for (String attempt :
                new String[] {"1e999999", "9".repeat(100), "1.5", "0", "-1", "2147483648", "\"2\"", "true", "{}", "[1]"
                }) {
            cases.add(process("attempt " + abbreviate(attempt), body(valid("a"), "attempt", attempt), 400, "attempt"));
        }
        cases.add(process("attempt of 101 digits", body(valid("a"), "attempt", "9".repeat(101)), 400, "attempt"));
        cases.add(process("attempt 1 (accepted)", body(valid("ok-attempt"), "attempt", "1"), 202, null));
        for (String duration : new String[] {"1e999999", "9".repeat(100), "-1e999999", "1.5", "3600001"}) {
            cases.add(process(
                    "data.durationMs " + abbreviate(duration),
                    body(valid("d"), "data", "{\"durationMs\":" + duration + "}"),
                    400,
                    "data.durationMs"));
        }
        for (String depth : new String[] {"1e999999", "9".repeat(100), "-5"}) {
            ObjectNode acquire = valid("c").put("task", "acquire-user-repo");
            cases.add(process(
                    "acquire-user-repo data.depth " + abbreviate(depth),
                    body(acquire, "data", "{\"repoUrl\":\"http://127.0.0.1:9/r.git\",\"depth\":" + depth + "}"),
                    400,
                    "data.depth"));
        }
        for (String task : new String[] {"compute-embeddings", "enrich-data"}) {
            for (String source : new String[] {".", "..", "../x", "a/b"}) {
                ObjectNode request = valid("s").put("task", task);
                request.putObject("data").put("artifactsOf", source);
                cases.add(process(task + " data.artifactsOf " + source, Json.write(request), 400, "data.artifactsOf"));
            }
        }
        for (String path : new String[] {"a\u0000b", "relative/notes", "/does/not/exist"}) {
            ObjectNode build = valid("b").put("task", "build-assets");
            build.putObject("data").put("repoPath", path);
            cases.add(process(
                    "build-assets data.repoPath " + abbreviate(Json.write(path)),
                    Json.write(build),
                    400,
                    "data.repoPath"));
        }
        // unknown fields are ignored, missing ones named
        cases.add(process(
                "unknown fields (ignored)",
                body(valid("ok-unknown"), "evil", "{\"__proto__\":{\"admin\":true}}"),
                202,
                null));
        cases.add(process(
                "unknown field in data (ignored)",
                body(valid("ok-unknown-data"), "data", "{\"whatever\":[1,{}]}"),
                202,
                null));
        cases.add(process("no data (optional)", Json.write(valid("ok-no-data").without("data")), 202, null));
        cases.add(process("data null (optional)", body(valid("ok-null-data"), "data", "null"), 202, null));
        for (String field : new String[] {"jobId", "task", "callbackUrl"}) {
            cases.add(process("missing " + field, Json.write(valid("m").without(field)), 400, field));
            cases.add(process(field + " null", body(valid("m"), field, "null"), 400, field));
            for (String wrong : new String[] {"{}", "[]", "[\"x\"]", "5", "true"}) {
                cases.add(process(field + " " + wrong, body(valid("w"), field, wrong), 400, field));
            }
        }
        cases.add(process("empty object", "{}", 400, "jobId"));
        for (String wrong : new String[] {"\"x\"", "[]", "[{}]", "5", "true"}) {
            cases.add(process("data " + wrong, body(valid("w"), "data", wrong), 400, "data"));
        }
        // job ids
        for (String jobId : new String[] {
            "a/b",
            "a\\b",
            ".",
            "..",
            "a..b",
            "../etc/passwd",
            "x".repeat(129),
            "",
            " ",
            "a b",
            "jöb",
            "a\nb",
            "a%2Fb",
            "a\u0000b",
            "\u202eb",
            "job;rm",
            "$(id)"
        }) {
            cases.add(process(
                    "jobId " + abbreviate(Json.write(jobId)),
                    Json.write(valid("x").put("jobId", jobId)),
                    400,
                    "jobId"));
        }
        cases.add(process(
                "jobId of 128 allowed characters (accepted)",
                Json.write(valid("x").put("jobId", "ok-" + ("Az09._:-".repeat(16)).substring(0, 125))),
                202,
                null));
        // encoding and syntax
        byte[] badUtf8InData = concat(
                "{\"jobId\":\"u1\",\"task\":\"noop\",\"callbackUrl\":\"" + receiver.url() + "\",\"data\":{\"fail\":\"",
                new byte[] {(byte) 0xff, (byte) 0xfe},
                "\"}}");
        cases.add(new Hostile(
                "invalid UTF-8 in data (bearer)",
                "POST",
                "/process",
                Auth.BEARER,
                "application/json",
                badUtf8InData,
                false,
                400,
                "body"));
        cases.add(new Hostile(
                "invalid UTF-8 in data (signed)",
                "POST",
                "/process",
                Auth.SIGNED,
                "application/json",
                badUtf8InData,
                false,
                400,
                "body"));
        cases.add(new Hostile(
                "truncated UTF-8 sequence in jobId",
                "POST",
                "/process",
                Auth.BEARER,
                "application/json",
                concat(
                        "{\"jobId\":\"u",
                        new byte[] {(byte) 0xc3},
                        "\",\"task\":\"noop\",\"callbackUrl\":\"" + receiver.url() + "\"}"),
                false,
                400,
                "body"));
        cases.add(process("malformed JSON", "{not json", 400, "body"));
        cases.add(process("JSON cut short", "{\"jobId\":", 400, "jobId"));
        cases.add(process("trailing garbage", Json.write(valid("t")) + " x", 400, "body"));
        cases.add(process("a second document", Json.write(valid("t")) + Json.write(valid("t2")), 400, "body"));
        cases.add(process("NaN in data", body(valid("t"), "data", "{\"durationMs\":NaN}"), 400, "data"));
        cases.add(process("single quotes", "{'jobId':'t'}", 400, "body"));
        cases.add(process("comments", "/* hi */" + Json.write(valid("t")), 400, "body"));
        cases.add(process("byte order mark", "\ufeff" + Json.write(valid("t")), 400, "body"));
        cases.add(process("empty body", "", 400, "body"));
        cases.add(process("blank body", " \n\t ", 400, "body"));
        cases.add(process(
                "duplicate jobId key",
                "{\"jobId\":\"dup-1\",\"jobId\":\"dup-2\",\"task\":\"noop\",\"callbackUrl\":\"" + receiver.url()
                        + "\"}",
                400,
                "jobId"));
        for (String whole : new String[] {"[]", "[" + "{},".repeat(100) + "{}]", "\"text\"", "42", "null", "true"}) {
            cases.add(process("whole body " + abbreviate(whole), whole, 400, "body"));
        }
        cases.add(process(
                "a batch of hostile items (answered item by item)",
                "[" + Json.write(valid("ok-batch")) + ",1,null,[],{}]",
                200,
                null));
        // path parameters
        // Jetty itself refuses a NUL in the path, before any route: still JSON, naming the path
        cases.add(new Hostile(
                "GET /jobs/a%00b", "GET", "/jobs/a%00b", Auth.SIGNED, null, new byte[0], false, 400, "path"));
        for (String id : new String[] {"a..b", "x".repeat(129), "a%20b", "%E2%80%AEb", "a%2Fb", "%2E%2E"}) {
            cases.add(new Hostile(
                    "GET /jobs/" + abbreviate(id),
                    "GET",
                    "/jobs/" + id,
                    Auth.SIGNED,
                    null,
                    new byte[0],
                    false,
                    400,
                    "jobId"));
            cases.add(new Hostile(
                    "POST /jobs/" + abbreviate(id) + "/cancel",
                    "POST",
                    "/jobs/" + id + "/cancel",
                    Auth.SIGNED,
                    "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    false,
                    400,
                    "jobId"));
        }
        cases.add(new Hostile(
                "GET /jobs/{unknown, valid id}",
                "GET",
                "/jobs/never:seen",
                Auth.SIGNED,
                null,
                new byte[0],
                false,
                404,
                "jobId"));
        return cases.stream();
    }

    private static Hostile process(String name, String body, int status, String field) {
        return new Hostile(
                name,
                "POST",
                "/process",
                Auth.SIGNED,
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                false,
                status,
                field);
    }

    private static Hostile withType(String name, String contentType, int status, String field) {
        return new Hostile(
                name,
                "POST",
                "/process",
                Auth.SIGNED,
                contentType,
                Json.write(valid("ok-type-" + IDS.incrementAndGet())).getBytes(StandardCharsets.UTF_8),
                false,
                status,
                field);
    }

    private static ObjectNode valid(String jobId) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("jobId", jobId + "-" + IDS.incrementAndGet());
        request.put("task", "noop");
        request.put("callbackUrl", receiver.url());
        request.putObject("data");
        return request;
    }

    /** {@code request} with {@code field} set to the raw JSON text {@code json} (which may be invalid on purpose). */
    private static String body(ObjectNode request, String field, String json) {
        ObjectNode copy = request.deepCopy();
        copy.put(field, "\u0000placeholder");
        return Json.write(copy).replace("\"\\u0000placeholder\"", json);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }

    private static String abbreviate(String text) {
        return text.length() > 24 ? text.substring(0, 12) + "…(" + text.length() + ")" : text;
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    private static HttpResponse<String> send(Hostile request) throws Exception {
        HttpRequest.BodyPublisher publisher = request.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(request.path()))
                .timeout(Duration.ofSeconds(30))
                .method(
                        request.method(),
                        request.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : publisher);
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        if (request.auth() == Auth.BEARER) {
            builder.header("Authorization", "Bearer " + SECRET);
        } else {
            // what the receiver sees after lenient decoding: a signature cannot tell malformed bytes apart
            String signed = request.method().equals("GET") ? "" : new String(request.body(), StandardCharsets.UTF_8);
            Signatures.of(List.of(SECRET)).headersFor(signed).forEach(builder::header);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
