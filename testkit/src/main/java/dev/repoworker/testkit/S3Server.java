package dev.repoworker.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * A real S3 API for tests: S3Proxy in this JVM on a free port, over a filesystem blob store in a temporary
 * folder (a bucket is a sub-folder). Requests must be signed with {@link #ACCESS_KEY}/{@link #SECRET_KEY}, which
 * {@link #start} makes the SDK's default credentials of this JVM (the {@code aws.*} system properties).
 *
 * <p>S3Proxy 2.6 runs on Jetty 11 and the services on Jetty 12, so S3Proxy is loaded from its own jars
 * ({@code testkit/target/s3proxy-lib}, copied at build time) in a class loader of its own.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "repo-worker-test";
    public static final String SECRET_KEY = "repo-worker-test-secret";
    public static final String REGION = "us-east-1";

    private final Path baseDir;
    private final int port;
    private final Callable<?> stop;
    private final URLClassLoader loader;

    private S3Server(Path baseDir, int port, Callable<?> stop, URLClassLoader loader) {
        this.baseDir = baseDir;
        this.port = port;
        this.stop = stop;
        this.loader = loader;
    }

    /** Starts S3Proxy over {@code baseDir} (created when missing). */
    public static S3Server start(Path baseDir) {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        URLClassLoader loader = null;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            Files.createDirectories(baseDir);
            loader = new URLClassLoader("s3proxy", classPath(), ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            Object[] started = (Object[]) loader.loadClass("dev.repoworker.testkit.s3proxy.S3ProxyLauncher")
                    .getMethod("start", String.class, String.class, String.class)
                    .invoke(null, baseDir.toString(), ACCESS_KEY, SECRET_KEY);
            return new S3Server(baseDir, ((IntSupplier) started[0]).getAsInt(), (Callable<?>) started[1], loader);
        } catch (ReflectiveOperationException | IOException e) {
            closeQuietly(loader);
            throw new IllegalStateException("S3Proxy did not start", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Creates an empty bucket (a folder of the blob store). */
    public S3Server createBucket(String bucket) {
        try {
            Files.createDirectories(baseDir.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The variables that point a Worker or an API at {@code bucket} on this server. */
    public Map<String, String> environment(String bucket, String prefix) {
        return Map.of(
                "ARTIFACT_STORE",
                "s3",
                "S3_BUCKET",
                bucket,
                "S3_ENDPOINT",
                endpoint().toString(),
                "S3_REGION",
                REGION,
                "S3_PREFIX",
                prefix,
                "S3_PATH_STYLE",
                "true");
    }

    @Override
    public void close() {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            Thread.currentThread().setContextClassLoader(loader);
            stop.call();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            closeQuietly(loader);
        }
    }

    /** S3Proxy's jars beside testkit's classes (target/classes or the testkit jar, both in target/). */
    private static URL[] classPath() throws IOException {
        Path own;
        try {
            own = Path.of(S3Server.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Path lib = own.getParent().resolve("s3proxy-lib");
        if (!Files.isDirectory(lib)) {
            throw new IOException(
                    "no S3Proxy jars in " + lib + ": build testkit with Maven (generate-resources copies them)");
        }
        List<URL> urls = new ArrayList<>();
        urls.add(url(own));
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar :
                    jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(url(jar));
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException ignored) {
                // the loader's jars are only read
            }
        }
    }
}
