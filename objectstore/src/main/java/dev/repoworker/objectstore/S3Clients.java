package dev.repoworker.objectstore;

import java.time.Duration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The one way both services build their S3 client. */
public final class S3Clients {

    private S3Clients() {}

    /**
     * The JDK's HTTP client (no Netty, no Apache), credentials from the SDK's default chain, and checksums only
     * when an operation requires them: several S3-compatible services refuse the SDK's newer default
     * checksum headers. Bodies are signed whole (no {@code aws-chunked} streaming) for the same reason.
     */
    public static S3Client create(S3Settings settings) {
        return builder(settings).build();
    }

    /** The builder {@link #create} builds, for tests that add an interceptor. */
    public static S3ClientBuilder builder(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // signed whole bodies instead of aws-chunked streams, which S3-compatible services implement unevenly
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }
}
