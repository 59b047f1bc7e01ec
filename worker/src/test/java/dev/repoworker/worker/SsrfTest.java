package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.net.FakeDns;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSRF: the URLs of a job (callbackUrl, data.repoUrl, data.templateRepoUrl) reach only public addresses, unless
 * the configuration says otherwise. DNS is played by {@link FakeDns}: {@code *.example.test} names answer what
 * each test needs, so "resolves to a private address" is tested without a network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SsrfTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tempDir;

    private final FakeDns dns = new FakeDns()
            .answer("localhost", "127.0.0.1")
            .answer("public.example.test", "93.184.216.34")
            .answer("loopback.example.test", "127.0.0.1")
            .answer("metadata.example.test", "169.254.169.254")
            .answer("mixed.example.test", "93.184.216.34", "10.0.0.7")
            .answer("mapped.example.test", "::ffff:127.0.0.1");
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private WorkerApp strict;
    private Path strictTemp;

    /** One Worker with the production defaults for private networks, for the tables. */
    @BeforeAll
    void startStrictWorker() throws IOException {
        strictTemp = java.nio.file.Files.createTempDirectory("ssrf-strict");
        strict = WorkerApp.start(WorkerConfig.fromEnv(strictEnv(strictTemp)), dns);
    }

    @AfterAll
    void stopStrictWorker() throws IOException {
        strict.stop();
        dev.repoworker.worker.workspace.Workspaces.deleteTree(strictTemp);
    }

    @AfterEach
    void close() throws Exception {
        toClose.sort(java.util.Comparator.comparing(c -> c instanceof CallbackReceiver));
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
    }

    /** Any callback host, repositories on *.example.test and github.com over http(s), no file: — nothing private allowed. */
    private static Map<String, String> strictEnv(Path temp) {
        Map<String, String> env = TestWorkers.env(SECRET, temp);
        env.remove("ALLOWED_CALLBACK_HOSTS");
        env.put("ALLOWED_REPO_HOSTS", "*.example.test,github.com");
        env.put("ALLOW_FILE_REPOS", "false");
        return env;
    }

    private WorkerApp start(Map<String, String> overrides) {
        Map<String, String> env = strictEnv(tempDir.resolve("work-" + toClose.size() + "-" + System.nanoTime()));
        env.putAll(overrides);
        WorkerApp app = WorkerApp.start(WorkerConfig.fromEnv(env), dns);
        toClose.add(app::stop);
        return app;
    }

    private CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        return receiver;
    }

    private static Map<String, Object> job(String jobId, String task, String callbackUrl, Map<String, Object> data) {
        return Map.of("jobId", jobId, "task", task, "callbackUrl", callbackUrl, "data", data);
    }

    private static void assertRefused(HttpResponse<String> response, String field, String messagePart)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        Map<String, Object> body = SignedHttp.json(response);
        assertThat(body).containsEntry("status", "error").containsEntry("field", field);
        assertThat((String) body.get("message"))
                .contains(messagePart)
                .doesNotContain("10.0.0.7")
                .doesNotContain("Exception");
    }

    // --- the tables: every vector, every URL field --------------------------------------------------------------

    Stream<Arguments> callbackVectors() {
        return Stream.of(
                Arguments.of("file:///etc/passwd", "http or https"),
                Arguments.of("ftp://public.example.test/cb", "http or https"),
                Arguments.of("gopher://public.example.test/cb", "http or https"),
                Arguments.of("http://127.0.0.1:9/cb", "is a loopback address"),
                Arguments.of("http://169.254.169.254/latest/meta-data/", "is a link-local address"),
                Arguments.of("http://[::1]:9/cb", "is a loopback address"),
                Arguments.of("http://2130706433/cb", "four decimal numbers"),
                Arguments.of("http://0177.0.0.1/cb", "four decimal numbers"),
                Arguments.of("http://0x7f.1/cb", "four decimal numbers"),
                Arguments.of("http://0x7f000001/cb", "four decimal numbers"),
                Arguments.of("http://127.1/cb", "four decimal numbers"),
                Arguments.of("https://github.com@evil.example.test/cb", "user-info"),
                Arguments.of("https://public.example.test@127.0.0.1/cb", "user-info"),
                Arguments.of("https://evil.example.test\\@public.example.test/cb", "not a valid URL"),
                Arguments.of("http://[::ffff:127.0.0.1]:9/cb", "is a loopback address"),
                Arguments.of("http://[::ffff:a9fe:a9fe]/cb", "is a link-local address"),
                Arguments.of("http://[::127.0.0.1]/cb", "loopback (IPv4-compatible)"),
                Arguments.of("http://10.0.0.1/cb", "is a private address"),
                Arguments.of("http://172.16.0.1/cb", "is a private address"),
                Arguments.of("http://192.168.1.1/cb", "is a private address"),
                Arguments.of("http://100.64.0.1/cb", "carrier-grade NAT"),
                Arguments.of("http://0.0.0.0:9/cb", "unspecified"),
                Arguments.of("http://[::]:9/cb", "unspecified"),
                Arguments.of("http://[fe80::1]/cb", "link-local"),
                Arguments.of("http://[fe80::1%25eth0]/cb", "no zone index"),
                Arguments.of("http://[fd00::1]/cb", "unique-local"),
                Arguments.of("http://224.0.0.1/cb", "multicast"),
                Arguments.of("http://255.255.255.255/cb", "broadcast"),
                Arguments.of("http://localhost:9/cb", "resolves to a loopback address"),
                Arguments.of("http://loopback.example.test/cb", "resolves to a loopback address"),
                Arguments.of("http://metadata.example.test/cb", "resolves to a link-local address"),
                Arguments.of("http://mixed.example.test/cb", "resolves to a private address"),
                Arguments.of("http://mapped.example.test/cb", "loopback (IPv4-mapped)"),
                Arguments.of("http://nowhere.example.test/cb", "could not be resolved"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callbackVectors")
    void callback_urls_to_anything_but_public_addresses_are_refused(String url, String problem) throws Exception {
        HttpResponse<String> response = new SignedHttp(strict.port(), SECRET)
                .post("/process", job("cb-" + Math.abs(url.hashCode()), "noop", url, Map.of()));
        assertRefused(response, "callbackUrl", problem);
    }

    Stream<Arguments> repositoryVectors() {
        return Stream.of(
                Arguments.of("file:///etc/passwd", "file: repositories are not allowed"),
                Arguments.of("ftp://public.example.test/a/b", "scheme 'ftp' is not allowed"),
                Arguments.of("ssh://git@public.example.test/a/b", "credentials"),
                Arguments.of("http://127.0.0.1/a/b", "host '127.0.0.1' is not allowed"),
                Arguments.of("http://169.254.169.254/latest/meta-data", "host '169.254.169.254' is not allowed"),
                Arguments.of("http://[::1]/a/b", "is not allowed"),
                Arguments.of("http://2130706433/a/b", "four decimal numbers"),
                Arguments.of("http://0177.0.0.1/a/b", "four decimal numbers"),
                Arguments.of("http://0x7f.1/a/b", "four decimal numbers"),
                Arguments.of("http://127.1/a/b", "four decimal numbers"),
                Arguments.of("https://github.com@evil.example.test/a/b", "credentials"),
                Arguments.of("https://evil.example.test\\@github.com/a/b", "backslashes"),
                Arguments.of("http://[::ffff:127.0.0.1]/a/b", "is not allowed"),
                Arguments.of("http://localhost/a/b", "host 'localhost' is not allowed"),
                Arguments.of("https://loopback.example.test/a/b", "resolves to a loopback address"),
                Arguments.of("https://metadata.example.test/a/b", "resolves to a link-local address"),
                Arguments.of("https://mixed.example.test/a/b", "resolves to a private address"),
                Arguments.of("https://mapped.example.test/a/b", "loopback (IPv4-mapped)"),
                Arguments.of("https://nowhere.example.test/a/b", "could not be resolved"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositoryVectors")
    void repository_urls_to_anything_but_allowed_public_hosts_are_refused(String url, String problem) throws Exception {
        HttpResponse<String> response = new SignedHttp(strict.port(), SECRET)
                .post(
                        "/process",
                        job(
                                "repo-" + Math.abs(url.hashCode()),
                                "acquire-user-repo",
                                "https://public.example.test/cb",
                                Map.of("repoUrl", url)));
        assertRefused(response, "data.repoUrl", problem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositoryVectors")
    void pipelines_refuse_the_same_repository_urls(String url, String problem) throws Exception {
        HttpResponse<String> response = new SignedHttp(strict.port(), SECRET)
                .post(
                        "/process",
                        job(
                                "pipe-" + Math.abs(url.hashCode()),
                                "process-with-repo",
                                "https://public.example.test/cb",
                                Map.of("repoUrl", url)));
        assertRefused(response, "data.repoUrl", problem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositoryVectors")
    void template_urls_to_anything_but_allowed_public_hosts_are_refused(String url, String problem) throws Exception {
        HttpResponse<String> response = new SignedHttp(strict.port(), SECRET)
                .post(
                        "/process",
                        job(
                                "tpl-" + Math.abs(url.hashCode()),
                                "new-repo-from-template",
                                "https://public.example.test/cb",
                                Map.of("templateRepoUrl", url, "newRepoName", "site", "gitToken", "t0ken")));
        assertRefused(response, "data.templateRepoUrl", problem);
    }

    @Test
    void public_hosts_are_admitted() throws Exception {
        SignedHttp http = new SignedHttp(strict.port(), SECRET);
        assertThat(http.post("/process", job("public-cb", "noop", "https://public.example.test/cb", Map.of()))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.post(
                                "/process",
                                job(
                                        "public-repo",
                                        "acquire-user-repo",
                                        "https://public.example.test/cb",
                                        Map.of("repoUrl", "https://public.example.test/a/b")))
                        .statusCode())
                .isEqualTo(202);
    }

    // --- explicitly allowed by configuration ---------------------------------------------------------------------

    @Test
    void allow_private_networks_admits_loopback_callbacks_and_private_repository_hosts() throws Exception {
        WorkerApp app = start(Map.of("ALLOW_PRIVATE_NETWORKS", "true"));
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post("/process", job("open-1", "noop", receiver.url(), Map.of()))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(receiver.acceptedFinals().get(0).status()).isEqualTo("completed");

        assertThat(http.post("/process", job("open-2", "noop", "http://[::1]:9/cb", Map.of("fail", "x")))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.post(
                                "/process",
                                job(
                                        "open-3",
                                        "acquire-user-repo",
                                        receiver.url(),
                                        Map.of("repoUrl", "https://loopback.example.test/a/b")))
                        .statusCode())
                .isEqualTo(202);
        // still refused: the host allow-list, and numbers in a non-canonical form
        assertRefused(
                http.post(
                        "/process",
                        job("open-4", "acquire-user-repo", receiver.url(), Map.of("repoUrl", "http://127.0.0.1/a/b"))),
                "data.repoUrl",
                "is not allowed");
        assertRefused(
                http.post("/process", job("open-5", "noop", "http://0x7f.1/cb", Map.of())),
                "callbackUrl",
                "four decimal numbers");
    }

    @Test
    void a_host_listed_exactly_may_be_private_but_one_matched_by_a_wildcard_may_not() throws Exception {
        dns.answer("repo.wild.example.test", "127.0.0.1");
        GitHttpServer git = servedNotes();
        WorkerApp app = start(Map.of(
                "ALLOWED_CALLBACK_HOSTS",
                "127.0.0.1",
                "ALLOWED_REPO_HOSTS",
                "127.0.0.1,loopback.example.test,*.wild.example.test"));
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post(
                                "/process",
                                job(
                                        "exact-1",
                                        "acquire-user-repo",
                                        receiver.url(),
                                        Map.of("repoUrl", git.url("notes.git"))))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(receiver.acceptedFinals().get(0).status())
                .as(receiver.acceptedFinals().get(0).rawBody())
                .isEqualTo("completed");
        assertThat(http.post(
                                "/process",
                                job(
                                        "exact-2",
                                        "acquire-user-repo",
                                        receiver.url(),
                                        Map.of("repoUrl", "https://loopback.example.test/a/b")))
                        .statusCode())
                .isEqualTo(202);

        assertRefused(
                http.post(
                        "/process",
                        job(
                                "wild-1",
                                "acquire-user-repo",
                                receiver.url(),
                                Map.of("repoUrl", "https://repo.wild.example.test/a/b"))),
                "data.repoUrl",
                "resolves to a loopback address");
        assertRefused(
                http.post("/process", job("wild-2", "noop", "http://localhost:" + receiver.port() + "/cb", Map.of())),
                "callbackUrl",
                "not in ALLOWED_CALLBACK_HOSTS");
    }

    /** A Git server on 127.0.0.1 serving {@code notes.git}, in a folder of its own. */
    private GitHttpServer servedNotes() throws IOException {
        Path dir = java.nio.file.Files.createTempDirectory(tempDir, "git");
        TestRepos.withFiles(dir.resolve("source"), Map.of("README.md", "# Notes\n"))
                .bareCopy(dir.resolve("served"), "notes.git");
        GitHttpServer git = GitHttpServer.start(dir.resolve("served"));
        toClose.add(git);
        return git;
    }

    // --- redirects ----------------------------------------------------------------------------------------------

    /** Answers every request with a 302 to {@code target} + the request's path and query; counts requests. */
    private static final class Redirector implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();

        Redirector(String target) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders()
                        .add(
                                "Location",
                                target
                                        + exchange.getRequestURI().getRawPath()
                                        + (exchange.getRequestURI().getRawQuery() == null
                                                ? ""
                                                : "?" + exchange.getRequestURI().getRawQuery()));
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "git {0}")
    @ValueSource(strings = {"cli", "jgit"})
    void a_repository_url_that_redirects_to_another_host_fails_the_job_and_nothing_is_fetched(String gitImplementation)
            throws Exception {
        GitHttpServer git = servedNotes();
        Redirector redirector = new Redirector("http://127.0.0.1:" + git.port());
        toClose.add(redirector);
        WorkerApp app = start(Map.of(
                "ALLOWED_REPO_HOSTS",
                "localhost",
                "ALLOWED_CALLBACK_HOSTS",
                "127.0.0.1",
                "GIT_IMPLEMENTATION",
                gitImplementation));
        CallbackReceiver receiver = receiver();

        HttpResponse<String> accepted = new SignedHttp(app.port(), SECRET)
                .post(
                        "/process",
                        job(
                                "redirected",
                                "acquire-user-repo",
                                receiver.url(),
                                Map.of("repoUrl", "http://localhost:" + redirector.port() + "/notes.git")));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> receiver.acceptedFinals().size() == 1);
        CallbackReceiver.Received callback = receiver.acceptedFinals().get(0);
        assertThat(callback.status()).isEqualTo("failed");
        assertThat(callback.body().path("error").asText())
                .isEqualTo("repository URL redirected; redirects are not followed (use the repository's final URL)");
        assertThat(redirector.requests.get()).isPositive();
        assertThat(git.requestCount()).isZero();
    }

    @Test
    void a_callback_url_that_redirects_is_not_followed_and_the_delivery_ends() throws Exception {
        CallbackReceiver receiver = receiver();
        Redirector redirector = new Redirector("http://127.0.0.1:" + receiver.port());
        toClose.add(redirector);
        WorkerApp app = start(Map.of("ALLOWED_CALLBACK_HOSTS", "localhost"));
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post(
                                "/process",
                                job(
                                        "cb-redirect",
                                        "noop",
                                        "http://localhost:" + redirector.port() + "/api/cloudrun/callback",
                                        Map.of()))
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> delivery = delivery(http, "cb-redirect");
            assertThat(delivery)
                    .containsEntry("state", "gave-up")
                    .containsEntry("attempts", 1)
                    .containsEntry("lastStatus", 302);
            assertThat((String) delivery.get("lastError"))
                    .contains("redirected with HTTP 302")
                    .contains("never follow redirects");
        });
        assertThat(redirector.requests.get()).isPositive();
        assertThat(receiver.received()).isEmpty();
    }

    // --- checked again when connecting (DNS rebinding) ----------------------------------------------------------

    @Test
    void the_callback_host_is_checked_again_before_the_delivery() throws Exception {
        dns.answer("rebind.example.test", "93.184.216.34");
        WorkerApp app = start(Map.of());
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        assertThat(http.post(
                                "/process",
                                job("rebound", "noop", "http://rebind.example.test:9/cb", Map.of("durationMs", 60_000)))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.executor().running() == 1);

        dns.answer("rebind.example.test", "127.0.0.1");
        http.post("/jobs/rebound/cancel", "{}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> delivery = delivery(http, "rebound");
            assertThat(delivery).containsEntry("state", "gave-up").containsEntry("attempts", 0);
            assertThat((String) delivery.get("lastError"))
                    .isEqualTo("callbackUrl host 'rebind.example.test' resolves to a loopback address");
        });
    }

    @Test
    void the_repository_host_is_checked_again_when_the_job_runs() throws Exception {
        dns.answer("rebind-repo.example.test", "93.184.216.34");
        WorkerApp app = start(Map.of("WORKER_CONCURRENCY", "1", "ALLOWED_CALLBACK_HOSTS", "127.0.0.1"));
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post("/process", job("blocker", "noop", receiver.url(), Map.of("durationMs", 60_000)));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.executor().running() == 1);
        assertThat(http.post(
                                "/process",
                                job(
                                        "queued-clone",
                                        "acquire-user-repo",
                                        receiver.url(),
                                        Map.of("repoUrl", "https://rebind-repo.example.test/a/b")))
                        .statusCode())
                .isEqualTo(202);

        dns.answer("rebind-repo.example.test", "127.0.0.1");
        http.post("/jobs/blocker/cancel", "{}");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !receiver.receivedFor("queued-clone").isEmpty()
                        && receiver.receivedFor("queued-clone").stream()
                                .anyMatch(r -> r.status().equals("failed")));
        CallbackReceiver.Received failed = receiver.receivedFor("queued-clone").stream()
                .filter(r -> r.status().equals("failed"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.body().path("error").asText())
                .contains("host 'rebind-repo.example.test' resolves to a loopback address");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> delivery(SignedHttp http, String jobId) throws Exception {
        Map<String, Object> state = SignedHttp.json(http.get("/jobs/" + jobId));
        return (Map<String, Object>) state.getOrDefault("delivery", new HashMap<>());
    }
}
