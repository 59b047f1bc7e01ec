package dev.repoworker.testkit.s3proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.LoggerFactory;

/**
 * Runs inside S3Server's own class loader (S3Proxy's Jetty 11 beside it, never the tests' Jetty 12): only
 * JDK types cross. Starts S3Proxy on 127.0.0.1, a free port, over jclouds' filesystem blob store in
 * {@code baseDir}, checking AWS v4 (and v2) signatures made with {@code accessKey}/{@code secretKey}.
 */
public final class S3ProxyLauncher {

    private S3ProxyLauncher() {}

    /** Returns {port supplier, stopper}. */
    public static Object[] start(String baseDir, String accessKey, String secretKey) throws Exception {
        // S3Proxy's logback, in this class loader, has no configuration and would log every byte at DEBUG
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Properties overrides = new Properties();
        overrides.setProperty(
                "jclouds.filesystem.basedir", Path.of(baseDir).toAbsolutePath().toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem").overrides(overrides).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        IntSupplier port = proxy::getPort;
        Callable<Void> stop = () -> {
            proxy.stop();
            context.close();
            return null;
        };
        return new Object[] {port, stop};
    }
}
