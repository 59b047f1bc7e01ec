package dev.repoworker.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.testkit.S3Server;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/** The search indexes of S3 jobs, downloaded once into a bounded local cache, on S3Proxy. */
class S3IndexCacheTest {

    static final String BUCKET = "indexes";
    static final int FILE_BYTES = 40_000;

    @TempDir
    static Path dir;

    static S3Server s3;
    static S3Settings settings;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(dir.resolve("s3")).createBucket(BUCKET);
        settings = S3Settings.fromEnv(s3.environment(BUCKET, "builds/")).orElseThrow();
        try (S3Client client = S3Clients.create(settings)) {
            for (String job : List.of("job-a", "job-b", "job-c")) {
                for (String file : List.of("meta.json", "index/_0.cfs", "index/segments_1")) {
                    client.putObject(
                            b -> b.bucket(BUCKET).key("builds/" + job + "/embeddings/" + file),
                            RequestBody.fromString(job + ":" + file + "\n" + "x".repeat(FILE_BYTES)));
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** A cache whose S3 client counts the objects it downloads. */
    static S3IndexCache cache(Path parent, long maxBytes, AtomicInteger gets) {
        S3Client counting = S3Clients.builder(settings)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof GetObjectRequest) {
                            gets.incrementAndGet();
                        }
                    }
                }))
                .build();
        return new S3IndexCache(counting, settings, parent, maxBytes);
    }

    @Test
    void concurrent_first_requests_download_a_jobs_index_once() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        try (S3IndexCache cache = cache(dir.resolve("once"), 10_000_000, gets)) {
            int threads = 8;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Path>> found = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                found.add(pool.submit((Callable<Path>) () -> {
                    go.await();
                    return cache.of("job-a");
                }));
            }
            go.countDown();
            List<Path> dirs = new ArrayList<>();
            for (Future<Path> f : found) {
                dirs.add(f.get());
            }
            pool.shutdown();

            assertThat(dirs).allMatch(d -> d.equals(dirs.get(0)));
            assertThat(gets.get()).isEqualTo(3);
            assertThat(Files.readString(dirs.get(0).resolve("index/_0.cfs"))).startsWith("job-a:index/_0.cfs");
            assertThat(Files.exists(dirs.get(0).resolve("meta.json"))).isTrue();
            cache.of("job-a");
            assertThat(gets.get()).isEqualTo(3);
        }
    }

    @Test
    void past_its_size_the_cache_deletes_the_least_recently_searched_index() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        long twoIndexes = 2 * 3 * (FILE_BYTES + 40);
        try (S3IndexCache cache = cache(dir.resolve("lru"), twoIndexes, gets)) {
            Path a = cache.of("job-a");
            Path b = cache.of("job-b");
            cache.of("job-a"); // a is now the more recent

            Path c = cache.of("job-c");

            assertThat(Files.exists(a)).isTrue();
            assertThat(Files.exists(b)).as("least recently searched").isFalse();
            assertThat(Files.exists(c)).isTrue();
            assertThat(cache.bytes()).isLessThanOrEqualTo(twoIndexes);
            assertThat(gets.get()).isEqualTo(9);
            assertThat(Files.readString(cache.of("job-b").resolve("meta.json"))).startsWith("job-b:meta.json");
            assertThat(gets.get()).isEqualTo(12);
        }
    }

    @Test
    void a_job_without_an_index_is_no_such_file_and_closing_removes_the_folder() throws Exception {
        S3IndexCache cache = cache(dir.resolve("none"), 10_000_000, new AtomicInteger());
        Path a = cache.of("job-a");

        assertThatThrownBy(() -> cache.of("job-without-index")).isInstanceOf(NoSuchFileException.class);
        cache.close();
        assertThat(Files.exists(a)).isFalse();
    }
}
