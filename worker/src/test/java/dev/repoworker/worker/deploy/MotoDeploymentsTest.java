package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.testkit.MotoS3Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract on moto's S3 server, which answers a stale {@code If-Match}/{@code If-None-Match} with 412 as AWS does,
 * and two Workers' deployers (each with its own S3 client) deploying one project at once, round after round.
 */
class MotoDeploymentsTest extends BucketDeploymentsContract {

    @TempDir
    static Path shared;

    private static MotoS3Server server;

    @BeforeAll
    static void startS3() throws Exception {
        MotoS3Server.skipReason().ifPresent(Assumptions::abort);
        server = MotoS3Server.start(shared.resolve("moto.log")).createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    Map<String, String> environment(String bucket) {
        return server.environment(bucket, PREFIX);
    }

    @Test
    void two_workers_deploying_one_project_at_once_always_leave_the_latest_request_active() throws Exception {
        int rounds = 12;
        int deploysPerWorker = 3;
        try (S3Client first = S3Clients.create(settings(BUCKET));
                S3Client second = S3Clients.create(settings(BUCKET));
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            List<Deployments> workers = List.of(
                    new Deployments(new S3DeployStore(first, settings(BUCKET))),
                    new Deployments(new S3DeployStore(second, settings(BUCKET))));
            for (int round = 0; round < rounds; round++) {
                String project = newProject();
                // deploy n is requested n seconds after T; each Worker gets every other one, in a shuffled order
                List<Integer> order = new ArrayList<>();
                for (int n = 0; n < 2 * deploysPerWorker; n++) {
                    order.add(n);
                }
                Collections.shuffle(order, new java.util.Random(round));
                List<Path> dirs = new ArrayList<>();
                for (int n = 0; n < 2 * deploysPerWorker; n++) {
                    dirs.add(artifacts("job-" + n));
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<PublishedDeploy>>> runs = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int worker = w;
                    runs.add(threads.submit(() -> {
                        start.await();
                        List<PublishedDeploy> done = new ArrayList<>();
                        for (int n : order) {
                            if (n % 2 == worker) {
                                done.add(workers.get(worker)
                                        .publish(project, "job-" + n, dirs.get(n), T.plusSeconds(n), 1));
                            }
                        }
                        return done;
                    }));
                }
                start.countDown();
                List<PublishedDeploy> all = new ArrayList<>();
                for (Future<List<PublishedDeploy>> run : runs) {
                    all.addAll(run.get());
                }

                String latest = "job-" + (2 * deploysPerWorker - 1);
                assertThat(activeJob(project)).as("round %d", round).isEqualTo(latest);
                assertThat(pointer(project).orElseThrow().path("requestedAt").asText())
                        .isEqualTo(T.plusSeconds(2 * deploysPerWorker - 1).toString());
                assertThat(all)
                        .hasSize(2 * deploysPerWorker)
                        .filteredOn(d -> d.jobId().equals(latest))
                        .singleElement()
                        .extracting(PublishedDeploy::active)
                        .isEqualTo(true);
            }
        }
    }
}
