package dev.repoworker.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A second real S3 API for tests, for what S3Proxy 2.6 lacks: conditional writes. S3Proxy ignores
 * {@code If-Match}/{@code If-None-Match} on PUT (a stale ETag is accepted); moto's S3 server answers them with
 * 412, as AWS does. moto checks the ETag and then writes in two steps, so it is run single-threaded here: one
 * request at a time makes each conditional PUT atomic, as S3 guarantees.
 *
 * <p>moto is a Python package: {@link #unavailable()} says why it cannot run here, for tests to skip with that reason.
 */
public final class MotoS3Server implements AutoCloseable {

    private static final String PYTHON = "python3";
    private static final String LAUNCHER = String.join(
            "\n",
            "import sys",
            "from werkzeug.serving import run_simple",
            "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app",
            "run_simple('127.0.0.1', int(sys.argv[1]), DomainDispatcherApplication(create_backend_app),"
                    + " threaded=False)");

    private final Process process;
    private final URI endpoint;

    private MotoS3Server(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Empty when moto can run here; else the reason (for {@code Assumptions.abort}). */
    public static Optional<String> unavailable() {
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import moto, werkzeug")
                    .redirectErrorStream(true)
                    .start();
            if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return Optional.empty();
            }
            probe.destroyForcibly();
            return Optional.of("moto (pip install 'moto[server]') is not importable by " + PYTHON);
        } catch (IOException e) {
            return Optional.of(PYTHON + " is not on the PATH (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while looking for moto");
        }
    }

    /**
     * Why a test should skip (empty: moto runs here). Under {@code CI=true} moto is required ({@code .ci/run}
     * installs it), so a missing moto throws instead of skipping the conditional-write proofs silently.
     */
    public static Optional<String> skipReason() {
        Optional<String> reason = unavailable();
        if (reason.isPresent() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(reason.get() + "; CI=true requires it (.ci/run installs it)");
        }
        return reason;
    }

    /** Starts moto's S3 server on a free loopback port and waits until it answers. */
    public static MotoS3Server start(Path logFile) throws IOException {
        // moto accepts any credentials; the SDK's default chain must still find some
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(PYTHON, "-c", LAUNCHER, Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        MotoS3Server server = new MotoS3Server(process, URI.create("http://127.0.0.1:" + port));
        try {
            server.awaitReady();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        IOException last = null;
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                last = e;
                try {
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while moto started", interrupted);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while moto started", e);
            }
        }
        throw new IOException("moto did not answer on " + endpoint + (process.isAlive() ? "" : " (it exited)"), last);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Creates an empty bucket (moto checks no signature, so a plain PUT does). */
    public MotoS3Server createBucket(String bucket) throws IOException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(endpoint.resolve("/" + bucket))
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(
                        "moto did not create bucket " + bucket + ": " + response.statusCode() + " " + response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return this;
    }

    /** The variables that point a Worker at {@code bucket} here. */
    public Map<String, String> environment(String bucket, String prefix) {
        return Map.of(
                "ARTIFACT_STORE",
                "s3",
                "S3_BUCKET",
                bucket,
                "S3_ENDPOINT",
                endpoint.toString(),
                "S3_REGION",
                S3Server.REGION,
                "S3_PREFIX",
                prefix,
                "S3_PATH_STYLE",
                "true");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
