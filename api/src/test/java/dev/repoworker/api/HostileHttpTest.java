package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Issue #9 "HTTP": every hostile request in one table, against a real API on a random port: the expected
 * status and, when refused, {@code {"error":{code, message, field}}} naming the field; never a 5xx, never a trace.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpTest {

    private static final int MAX_BODY_BYTES = 4096;
    private static final String JOBS = "/api/cloudrun/jobs";
    private static final String CALLBACK = ApiConfig.CALLBACK_PATH;

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static String job;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(
                dir,
                Map.of(
                        "REPO_WORKER_API_URL",
                        worker.url(),
                        "MAX_BODY_BYTES",
                        Integer.toString(MAX_BODY_BYTES),
                        "MAX_CALLBACK_BYTES",
                        Integer.toString(MAX_BODY_BYTES)));
        job = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(job).equals("dispatched"));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    enum Auth {
        NONE,
        SIGNED,
        BEARER
    }

    record Hostile(
            String name,
            String method,
            String path,
            Auth auth,
            Map<String, String> headers,
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
        assertThat(response.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("application/json");
        if (request.status() >= 400) {
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            assertThat(error.path("code").asText()).isNotBlank();
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(error.path("field").asText(null)).as(response.body()).isEqualTo(request.field());
        }
    }

    @Order(2)
    @Test
    void the_api_still_answers_and_the_job_was_never_finished_by_a_refused_callback() {
        assertThat(api.get("/health").status()).isEqualTo(200);
        assertThat(api.get("/ready").status()).isEqualTo(200);
        assertThat(api.status(job)).isIn("dispatched", "running");
    }

    static Stream<Hostile> hostileRequests() {
        List<Hostile> cases = new ArrayList<>();
        String bigPad = "x".repeat(MAX_BODY_BYTES);
        // size and content type, on a client route and on the callback
        cases.add(post(
                "submit over MAX_BODY_BYTES",
                JOBS,
                "{\"task\":\"noop\",\"data\":{\"pad\":\"" + bigPad + "\"}}",
                413,
                "body"));
        cases.add(new Hostile(
                "chunked submit over MAX_BODY_BYTES",
                "POST",
                JOBS,
                Auth.NONE,
                json(),
                ("{\"task\":\"noop\",\"data\":{\"pad\":\"" + bigPad + "\"}}").getBytes(StandardCharsets.UTF_8),
                true,
                413,
                "body"));
        cases.add(callback("callback over MAX_CALLBACK_BYTES", failed(job).put("error", bigPad), 413, "body"));
        cases.add(new Hostile(
                "chunked callback over MAX_CALLBACK_BYTES",
                "POST",
                CALLBACK,
                Auth.SIGNED,
                json(),
                bytes(Json.write(failed(job).put("error", bigPad))),
                true,
                413,
                "body"));
        for (String type : new String[] {
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/jsonx",
            "application/json; charset=iso-8859-1",
            "multipart/form-data; boundary=x"
        }) {
            cases.add(new Hostile(
                    "submit as " + type,
                    "POST",
                    JOBS,
                    Auth.NONE,
                    Map.of("Content-Type", type),
                    bytes("{\"task\":\"noop\"}"),
                    false,
                    415,
                    "Content-Type"));
            cases.add(new Hostile(
                    "callback as " + type,
                    "POST",
                    CALLBACK,
                    Auth.SIGNED,
                    Map.of("Content-Type", type),
                    bytes(Json.write(progress(job))),
                    false,
                    415,
                    "Content-Type"));
        }
        cases.add(new Hostile(
                "submit without Content-Type",
                "POST",
                JOBS,
                Auth.NONE,
                Map.of(),
                bytes("{\"task\":\"noop\"}"),
                false,
                415,
                "Content-Type"));
        cases.add(new Hostile(
                "retry with a text/plain body",
                "POST",
                JOBS + "/" + job + "/retry",
                Auth.NONE,
                Map.of("Content-Type", "text/plain"),
                bytes("{}"),
                false,
                415,
                "Content-Type"));
        // deeply nested
        cases.add(post(
                "submit data nested 1000 arrays deep",
                JOBS,
                "{\"task\":\"noop\",\"data\":{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}}",
                400,
                "data"));
        cases.add(post("a whole body of 1000 nested arrays", JOBS, "[".repeat(1000) + "]".repeat(1000), 400, "body"));
        cases.add(callback(
                "callback result nested 70 objects deep",
                raw(completed(job), "result", "{\"a\":".repeat(70) + "1" + "}".repeat(70)),
                400,
                "result"));
        // huge and odd numbers
        for (String attempt :
                new String[] {"1e999999", "9".repeat(100), "1.5", "0", "-1", "2147483648", "\"1\"", "true", "[]"}) {
            cases.add(callback(
                    "callback attempt " + abbreviate(attempt), raw(progress(job), "attempt", attempt), 400, "attempt"));
        }
        cases.add(callback(
                "callback attempt of 101 digits", raw(progress(job), "attempt", "9".repeat(101)), 400, "attempt"));
        for (String duration : new String[] {"1e999999", "9".repeat(100), "-1", "1.5", "\"soon\""}) {
            cases.add(callback(
                    "callback duration " + abbreviate(duration),
                    raw(completed(job), "duration", duration),
                    400,
                    "duration"));
        }
        for (String done : new String[] {"1e999999", "9".repeat(100), "-1", "\"half\"", "{}"}) {
            cases.add(callback(
                    "callback progress.done " + abbreviate(done),
                    raw(progress(job), "progress", "{\"step\":\"clone\",\"done\":" + done + ",\"total\":3}"),
                    400,
                    "progress.done"));
        }
        cases.add(callback(
                "callback progress.step as an object",
                raw(progress(job), "progress", "{\"step\":{},\"done\":1,\"total\":3}"),
                400,
                "progress.step"));
        for (String at : new String[] {
            "\"yesterday\"",
            "\"+999999999-12-31T23:59:59Z\"",
            "\"-999999999-01-01T00:00:00Z\"",
            "1e999999",
            "9".repeat(30),
            "{}"
        }) {
            cases.add(callback(
                    "callback processedAt " + abbreviate(at),
                    raw(completed(job), "processedAt", at),
                    400,
                    "processedAt"));
        }
        cases.add(post(
                "submit data.depth 1e999999",
                JOBS,
                "{\"task\":\"acquire-user-repo\",\"data\":{\"repoUrl\":\"https://git.example.test/o/r\","
                        + "\"depth\":1e999999}}",
                400,
                "data.depth"));
        cases.add(get("list limit=1e999999", JOBS + "?limit=1e999999", 400, "limit"));
        cases.add(get("list limit of 30 digits", JOBS + "?limit=" + "9".repeat(30), 400, "limit"));
        cases.add(get("list projectId with a NUL", JOBS + "?projectId=a%00b", 400, "projectId"));
        cases.add(get("list type of 201 characters", JOBS + "?type=" + "t".repeat(201), 400, "type"));
        cases.add(get("search k=1e999999", JOBS + "/" + job + "/search?q=x&k=1e999999", 400, "k"));
        // unknown fields are ignored
        cases.add(post(
                "submit with unknown fields (accepted)",
                JOBS,
                "{\"task\":\"clone-repo\",\"__proto__\":{\"admin\":true},"
                        + "\"data\":{\"owner\":\"o\",\"repoName\":\"r\",\"whatever\":[1]}}",
                202,
                null));
        cases.add(callback(
                "callback with unknown fields (accepted)",
                progress(job).put("__proto__", "x").put("admin", true),
                200,
                null));
        // missing fields and wrong types
        cases.add(post("submit without task", JOBS, "{\"data\":{}}", 400, "task"));
        cases.add(post("submit {}", JOBS, "{}", 400, "task"));
        for (String wrong : new String[] {"null", "5", "[]", "{}", "true"}) {
            cases.add(post("submit task " + wrong, JOBS, "{\"task\":" + wrong + "}", 400, "task"));
        }
        for (String wrong : new String[] {"\"x\"", "[]", "5", "true"}) {
            cases.add(post("submit data " + wrong, JOBS, "{\"task\":\"noop\",\"data\":" + wrong + "}", 400, "data"));
            cases.add(
                    post("retry data " + wrong, JOBS + "/" + job + "/retry", "{\"data\":" + wrong + "}", 400, "data"));
        }
        for (String wrong :
                new String[] {"5", "{}", "[\"p\"]", "\"" + "p".repeat(201) + "\"", "\"a\\u0000b\"", "\"a\\nb\""}) {
            cases.add(post(
                    "submit projectId " + abbreviate(wrong),
                    JOBS,
                    "{\"task\":\"noop\",\"projectId\":" + wrong + "}",
                    400,
                    "projectId"));
            cases.add(post(
                    "submit userId " + abbreviate(wrong),
                    JOBS,
                    "{\"task\":\"noop\",\"userId\":" + wrong + "}",
                    400,
                    "userId"));
        }
        cases.add(new Hostile(
                "submit with an Idempotency-Key of 201 characters",
                "POST",
                JOBS,
                Auth.NONE,
                Map.of("Content-Type", "application/json", "Idempotency-Key", "k".repeat(201)),
                bytes("{\"task\":\"noop\"}"),
                false,
                400,
                "Idempotency-Key"));
        cases.add(post(
                "clone-repo owner with a path",
                "/api/cloudrun/clone-repo",
                "{\"owner\":\"../x\",\"repoName\":\"r\"}",
                400,
                "data.owner"));
        cases.add(callback("callback without jobId", progress(job).without("jobId"), 400, "jobId"));
        cases.add(callback("callback without status", progress(job).without("status"), 400, "status"));
        cases.add(callback("callback status exploded", progress(job).put("status", "exploded"), 400, "status"));
        cases.add(callback("failed callback without error", failed(job).without("error"), 400, "error"));
        for (String wrong : new String[] {"null", "5", "{}", "[\"" + job + "\"]"}) {
            cases.add(
                    callback("callback jobId " + abbreviate(wrong), raw(progress(job), "jobId", wrong), 400, "jobId"));
        }
        cases.add(callback("callback result [1]", raw(completed(job), "result", "[1]"), 400, "result"));
        cases.add(callback("callback error {}", raw(failed(job), "error", "{}"), 400, "error"));
        cases.add(callback("callback logs [{}]", raw(failed(job), "logs", "[{}]"), 400, "logs"));
        cases.add(callback("callback logs \"x\"", raw(failed(job), "logs", "\"x\""), 400, "logs"));
        // job ids
        for (String jobId : new String[] {
            "../etc/passwd", "a/b", "a\\b", ".", "..", "a..b", "x".repeat(129), "", " ", "a b", "jöb", "a\u0000b"
        }) {
            cases.add(callback("callback jobId " + abbreviate(Json.write(jobId)), progress(jobId), 400, "jobId"));
        }
        cases.add(callback(
                "callback for an unknown job", progress(UUID.randomUUID().toString()), 404, null));
        for (String id : new String[] {"a..b", "x".repeat(129), "a%20b", "%E2%80%AEb", "a%2Fb", "%2E%2E", "j%C3%B6b"}) {
            cases.add(get("GET job " + abbreviate(id), JOBS + "/" + id, 400, "id"));
            cases.add(post("cancel job " + abbreviate(id), JOBS + "/" + id + "/cancel", "{}", 400, "id"));
            cases.add(post("retry job " + abbreviate(id), JOBS + "/" + id + "/retry", "{}", 400, "id"));
            cases.add(get("events of job " + abbreviate(id), JOBS + "/" + id + "/events", 400, "id"));
            cases.add(get("artifacts of job " + abbreviate(id), JOBS + "/" + id + "/artifacts", 400, "id"));
        }
        cases.add(get("a NUL in the path (refused by Jetty)", JOBS + "/a%00b", 400, "path"));
        cases.add(get("GET an unknown job", JOBS + "/" + UUID.randomUUID(), 404, null));
        // encoding and syntax
        byte[] badUtf8 =
                concat("{\"task\":\"noop\",\"data\":{\"note\":\"", new byte[] {(byte) 0xff, (byte) 0xfe}, "\"}}");
        cases.add(
                new Hostile("submit with invalid UTF-8", "POST", JOBS, Auth.NONE, json(), badUtf8, false, 400, "body"));
        byte[] badUtf8Callback = concat(
                "{\"jobId\":\"" + job + "\",\"status\":\"failed\",\"error\":\"", new byte[] {(byte) 0xc3}, "\"}");
        cases.add(new Hostile(
                "callback with invalid UTF-8 (signed)",
                "POST",
                CALLBACK,
                Auth.SIGNED,
                json(),
                badUtf8Callback,
                false,
                400,
                "body"));
        cases.add(new Hostile(
                "callback with invalid UTF-8 (bearer)",
                "POST",
                CALLBACK,
                Auth.BEARER,
                json(),
                badUtf8Callback,
                false,
                400,
                "body"));
        for (Map.Entry<String, String> malformed : Map.of(
                        "malformed JSON",
                        "{not json",
                        "trailing garbage",
                        "{\"task\":\"noop\"} x",
                        "a second document",
                        "{\"task\":\"noop\"}{}",
                        "NaN",
                        "{\"task\":\"noop\",\"data\":{\"n\":NaN}}",
                        "single quotes",
                        "{'task':'noop'}",
                        "a comment",
                        "/**/{\"task\":\"noop\"}",
                        "a byte order mark",
                        "\ufeff{\"task\":\"noop\"}")
                .entrySet()) {
            String field = malformed.getKey().equals("NaN") ? "data" : "body";
            cases.add(post("submit " + malformed.getKey(), JOBS, malformed.getValue(), 400, field));
            cases.add(callback("callback " + malformed.getKey(), malformed.getValue(), 400, field));
        }
        cases.add(post("submit cut short", JOBS, "{\"task\":", 400, "task"));
        cases.add(post("submit with an empty body", JOBS, "", 400, "body"));
        cases.add(callback("callback with an empty body", "", 400, "body"));
        cases.add(post(
                "submit with duplicate task keys", JOBS, "{\"task\":\"noop\",\"task\":\"clone-repo\"}", 400, "task"));
        cases.add(callback(
                "callback with duplicate status keys",
                "{\"jobId\":\"" + job + "\",\"status\":\"running\",\"status\":\"completed\"}",
                400,
                "status"));
        for (String whole : new String[] {"[]", "[{\"task\":\"noop\"}]", "\"text\"", "42", "null", "true"}) {
            cases.add(post("submit whole body " + abbreviate(whole), JOBS, whole, 400, "body"));
            if (!whole.startsWith(
                    "[{")) { // an array of objects is the batched form: one answer per item (CallbackRouteTest)
                cases.add(callback("callback whole body " + abbreviate(whole), whole, 400, "body"));
            }
            cases.add(post(
                    "cancel with whole body " + abbreviate(whole), JOBS + "/" + job + "/cancel", whole, 400, "body"));
        }
        return cases.stream();
    }

    private static ObjectNode callbackBody(String jobId, String status) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("jobId", jobId);
        body.put("status", status);
        body.put("attempt", 1);
        return body;
    }

    private static ObjectNode progress(String jobId) {
        ObjectNode body = callbackBody(jobId, "running");
        body.putObject("progress").put("step", "clone").put("done", 1).put("total", 3);
        return body;
    }

    private static ObjectNode completed(String jobId) {
        ObjectNode body = callbackBody(jobId, "completed");
        body.putObject("result").put("commit", "abc");
        body.put("processedAt", "2030-01-01T00:00:00Z");
        body.put("duration", 5);
        return body;
    }

    private static ObjectNode failed(String jobId) {
        return callbackBody(jobId, "failed").put("error", "clone failed");
    }

    /** {@code body} with {@code field} set to the raw JSON text {@code json} (which may be invalid on purpose). */
    private static String raw(ObjectNode body, String field, String json) {
        ObjectNode copy = body.deepCopy();
        copy.put(field, "\u0000placeholder");
        return Json.write(copy).replace("\"\\u0000placeholder\"", json);
    }

    private static Hostile post(String name, String path, String body, int status, String field) {
        return new Hostile(name, "POST", path, Auth.NONE, json(), bytes(body), false, status, field);
    }

    private static Hostile get(String name, String path, int status, String field) {
        return new Hostile(name, "GET", path, Auth.NONE, Map.of(), new byte[0], false, status, field);
    }

    private static Hostile callback(String name, Object body, int status, String field) {
        String text = body instanceof String s ? s : Json.write(body);
        return new Hostile(name, "POST", CALLBACK, Auth.SIGNED, json(), bytes(text), false, status, field);
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = bytes(before);
        byte[] c = bytes(after);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }

    private static String abbreviate(String text) {
        return text.length() > 24 ? text.substring(0, 12) + "…(" + text.length() + ")" : text;
    }

    /** Standard Webhooks headers over the exact bytes sent (which may be malformed UTF-8 on purpose). */
    private static Map<String, String> signedBytes(byte[] body) throws Exception {
        String id = "msg_hostile_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = java.time.Instant.now().getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(TestApi.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
        return Map.of(
                Signatures.ID_HEADER,
                id,
                Signatures.TIMESTAMP_HEADER,
                Long.toString(timestamp),
                Signatures.SIGNATURE_HEADER,
                signature);
    }

    private static HttpResponse<String> send(Hostile request) throws Exception {
        HttpRequest.BodyPublisher publisher = request.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api.url(request.path())))
                .timeout(Duration.ofSeconds(30))
                .method(
                        request.method(),
                        request.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : publisher);
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        if (request.auth() == Auth.BEARER) {
            headers.put("Authorization", "Bearer " + TestApi.SECRET);
        } else if (request.auth() == Auth.SIGNED) {
            headers.putAll(signedBytes(request.body()));
        }
        headers.forEach(builder::header);
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
