package dev.repoworker.worker.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.testkit.MotoS3Server;
import dev.repoworker.testkit.S3Server;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;

/** {@link S3Objects#deleteAll}: 1000 keys per DeleteObjects call, or one call per key where the server refuses it. */
class S3ObjectsDeleteAllTest {

    private static final String BUCKET = "deletes";

    @TempDir
    Path temp;

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    @Test
    void a_thousand_and_one_keys_go_in_two_delete_objects_calls_on_a_server_that_takes_them() throws Exception {
        MotoS3Server.skipReason().ifPresent(Assumptions::abort);
        try (MotoS3Server server = MotoS3Server.start(temp.resolve("moto.log")).createBucket(BUCKET)) {
            deleteAll(S3Settings.fromEnv(server.environment(BUCKET, "")).orElseThrow());
        }
        assertThat(count("DeleteObjects")).isEqualTo(2);
        assertThat(count("DeleteObject")).isZero();
    }

    @Test
    void a_server_that_refuses_delete_objects_gets_one_delete_per_key() throws Exception {
        try (S3Server server = S3Server.start(temp.resolve("s3")).createBucket(BUCKET)) {
            deleteAll(S3Settings.fromEnv(server.environment(BUCKET, "")).orElseThrow());
        }
        assertThat(count("DeleteObjects")).isEqualTo(2);
        assertThat(count("DeleteObject")).isEqualTo(1001);
    }

    @Test
    void a_server_without_multi_object_delete_gets_one_delete_per_key() throws Exception {
        MotoS3Server.skipReason().ifPresent(Assumptions::abort);
        try (MotoS3Server server = MotoS3Server.start(temp.resolve("moto.log")).createBucket(BUCKET)) {
            deleteAll(S3Settings.fromEnv(server.environment(BUCKET, "")).orElseThrow(), 5, new NoMultiObjectDelete());
        }
        assertThat(count("DeleteObjects")).isEqualTo(1);
        assertThat(count("DeleteObject")).isEqualTo(5);
    }

    private void deleteAll(S3Settings settings) throws Exception {
        deleteAll(settings, 1001, new ExecutionInterceptor() {});
    }

    /** Puts {@code count} keys and one to keep, deletes the {@code count}: the one to keep is left. */
    private void deleteAll(S3Settings settings, int count, ExecutionInterceptor server) throws Exception {
        try (S3Client client = S3Clients.builder(settings)
                .overrideConfiguration(
                        o -> o.addExecutionInterceptor(new Counter()).addExecutionInterceptor(server))
                .build()) {
            S3Objects objects = new S3Objects(client, BUCKET);
            List<String> keys = IntStream.range(0, count)
                    .mapToObj(n -> "gone/" + n + ".txt")
                    .toList();
            S3Objects.inParallel(
                    keys, key -> client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key)));
            client.putObject(b -> b.bucket(BUCKET).key("gone-not/kept.txt"), RequestBody.fromString("kept"));
            calls.clear();

            objects.deleteAll(keys);

            assertThat(objects.list("gone/")).isEmpty();
            assertThat(objects.read("gone-not/kept.txt")).isPresent();
        }
    }

    private long count(String operation) {
        LongAdder adder = calls.get(operation + "Request");
        return adder == null ? 0 : adder.sum();
    }

    /**
     * Answers DeleteObjects as Google Cloud Storage's XML API does, which has no multi-object delete: 400
     * InvalidArgument, after moto has deleted nothing (the request goes to a bucket that does not exist).
     */
    private static final class NoMultiObjectDelete implements ExecutionInterceptor {
        private static final String ERROR = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidArgument</Code>"
                + "<Message>Invalid argument.</Message></Error>";

        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof DeleteObjectsRequest)) {
                return context.httpRequest();
            }
            return context.httpRequest().toBuilder()
                    .encodedPath("/no-such-bucket/")
                    .build();
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            return context.request() instanceof DeleteObjectsRequest
                    ? context.httpResponse().toBuilder().statusCode(400).build()
                    : context.httpResponse();
        }

        @Override
        public Optional<InputStream> modifyHttpResponseContent(
                Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            return context.request() instanceof DeleteObjectsRequest
                    ? Optional.of(new ByteArrayInputStream(ERROR.getBytes(StandardCharsets.UTF_8)))
                    : context.responseBody();
        }
    }

    private final class Counter implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            calls.computeIfAbsent(context.request().getClass().getSimpleName(), k -> new LongAdder())
                    .increment();
        }
    }
}
