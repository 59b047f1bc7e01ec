package dev.repoworker.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.ConstantTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A real smart-HTTP Git server for tests: the JDK's {@link HttpServer} on {@code 127.0.0.1:0} runs
 * {@code git http-backend} as a CGI program over a directory of bare repositories.
 *
 * <p>A repository can be made private: its requests then need {@code Authorization: Basic} with the
 * token as password (any user name, e.g. {@code x-access-token}), else {@code 401} with
 * {@code WWW-Authenticate: Basic realm="git"}. {@link #hold()} parks incoming requests until
 * released, so a test can act while a clone is certainly in flight.
 */
public final class GitHttpServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final Path root;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, String> privateRepos = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();

    private GitHttpServer(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "git-http-server");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves the bare repositories found directly under {@code root} (e.g. {@code root/notes.git}). */
    public static GitHttpServer start(Path root) {
        try {
            return new GitHttpServer(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port/<repoName>}; the repository need not exist. */
    public String url(String repoName) {
        return "http://127.0.0.1:" + port() + "/" + repoName;
    }

    /** From now on {@code repoName} answers only requests whose Basic password is {@code token}. */
    public GitHttpServer makePrivate(String repoName, String token) {
        privateRepos.put(repoName, token);
        return this;
    }

    /** Requests received so far (including refused ones). */
    public int requestCount() {
        return requests.get();
    }

    /** Requests answered 401. */
    public int unauthorizedCount() {
        return unauthorized.get();
    }

    /** "METHOD /path?query" of every request so far (never headers, so never credentials). */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    /** Parks every request from now on until the returned hold is released (or the server closes). */
    public Hold hold() {
        CountDownLatch latch = new CountDownLatch(1);
        gate = latch;
        return new Hold(latch);
    }

    /** Requests currently parked by a {@link #hold()}. */
    public int heldCount() {
        return held.get();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** Parked requests continue once released. */
    public final class Hold implements AutoCloseable {
        private final CountDownLatch latch;

        Hold(CountDownLatch latch) {
            this.latch = latch;
        }

        public void release() {
            latch.countDown();
        }

        @Override
        public void close() {
            release();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requestLines.add(exchange.getRequestMethod() + " " + rawPath + (query == null ? "" : "?" + query));
            awaitGate();
            String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!path.startsWith("/") || path.contains("..") || path.contains("\\")) {
                send(exchange, 400, "bad path\n");
                return;
            }
            String repoName = path.substring(1).split("/", 2)[0];
            String user = authenticate(exchange, repoName);
            if (user == null) {
                unauthorized.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                send(exchange, 401, "authentication required\n");
                return;
            }
            runBackend(exchange, path, query == null ? "" : query, user);
        }
    }

    private void awaitGate() {
        CountDownLatch latch = gate;
        if (latch.getCount() == 0) {
            return;
        }
        held.incrementAndGet();
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            held.decrementAndGet();
        }
    }

    /** The user name to report to the backend ("" for public repositories), or null when refused. */
    private String authenticate(HttpExchange exchange, String repoName) {
        String token = privateRepos.get(repoName);
        if (token == null) {
            return "";
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        boolean ok = ConstantTime.equals(token, decoded.substring(colon + 1));
        return ok ? decoded.substring(0, colon) : null;
    }

    private void runBackend(HttpExchange exchange, String pathInfo, String query, String user) throws IOException {
        byte[] body = readBody(exchange);
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("PATH_INFO", pathInfo);
        env.put("QUERY_STRING", query);
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("CONTENT_LENGTH", Integer.toString(body.length));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        env.put("CONTENT_TYPE", contentType == null ? "" : contentType);
        env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
        if (!user.isEmpty()) {
            env.put("REMOTE_USER", user);
        }
        String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
        if (protocol != null) {
            env.put("GIT_PROTOCOL", protocol);
        }
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        Thread feeder = new Thread(
                () -> {
                    try (OutputStream stdin = process.getOutputStream()) {
                        stdin.write(body);
                    } catch (IOException ignored) {
                        // the backend may stop reading early (e.g. on an error); its answer says why
                    }
                },
                "git-http-backend-stdin");
        feeder.setDaemon(true);
        feeder.start();
        try (InputStream stdout = process.getInputStream()) {
            int status = readCgiHeaders(stdout, exchange.getResponseHeaders());
            boolean noBody = status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, noBody ? -1 : 0);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    stdout.transferTo(out);
                }
            }
        } finally {
            process.destroy();
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip"))) {
            in = new GZIPInputStream(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_REQUEST_BYTES) {
                throw new IOException("request body too large");
            }
        }
        return out.toByteArray();
    }

    /** Copies the CGI response headers; returns the status ({@code Status:} header, else 200). */
    private static int readCgiHeaders(InputStream in, Headers headers) throws IOException {
        int status = 200;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ", 2)[0]);
            } else {
                headers.add(name, value);
            }
        }
        return status;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
            if (line.size() > 16384) {
                throw new IOException("CGI header line too long");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
