package dev.repoworker.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.api.TestDatabases;
import dev.repoworker.api.job.CallbackChange;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.Runner;
import dev.repoworker.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweeper's watermark: after a process's first sweep, a sweep reads only the deploys changed since the previous
 * one began (less the margin), still finds every change, and never opens a subscriber's secret.
 */
class DeploymentSweeperTest {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** A first sweep this late leaves the deploys changed at T0 behind its margin, for the next sweep to skip. */
    static final Instant AFTER_THE_MARGIN = T0.plus(DeploymentSweeper.MARGIN).plusSeconds(1);

    static final String HOOK = "https://hooks.example.test/deploys";

    @TempDir
    Path dir;

    Database database;
    JobStore store;
    final ManualClock clock = ManualClock.at(T0);
    final AtomicInteger urlLookups = new AtomicInteger();
    final AtomicInteger secretsOpened = new AtomicInteger();
    DeploymentSweeper sweeper;

    @BeforeEach
    void open() {
        database = Database.open(TestDatabases.sqliteUrl(dir), null, null, 4);
        store = new JobStore(database);
        Subscribers subscribers = new Subscribers() {
            @Override
            public List<String> urls(String projectId) {
                urlLookups.incrementAndGet();
                return List.of(HOOK);
            }

            @Override
            public Map<String, String> secrets(String projectId) {
                secretsOpened.incrementAndGet();
                return Map.of(HOOK, "whsec_c2VjcmV0");
            }
        };
        sweeper = new DeploymentSweeper(database, subscribers, Duration.ofHours(24), clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void a_later_sweep_reads_only_the_deploys_changed_since_the_previous_one_and_opens_no_secret() {
        for (int i = 0; i < 3; i++) {
            accepted(dispatched(T0), T0);
        }

        DeploymentSweeper.Sweep first = sweepAt(AFTER_THE_MARGIN);
        DeploymentSweeper.Sweep second = sweepAt(AFTER_THE_MARGIN.plusMillis(500));

        assertThat(first).isEqualTo(new DeploymentSweeper.Sweep(3, 3));
        assertThat(second).isEqualTo(new DeploymentSweeper.Sweep(0, 0));
        assertThat(urlLookups).hasValue(1);
        assertThat(secretsOpened).hasValue(0);
    }

    @Test
    void a_change_after_a_sweep_is_read_by_the_next_one_even_when_only_an_event_records_it() {
        String completing = dispatched(T0);
        String accepting = dispatched(T0);
        assertThat(sweepAt(AFTER_THE_MARGIN)).isEqualTo(new DeploymentSweeper.Sweep(2, 0));

        completed(completing, AFTER_THE_MARGIN.plusSeconds(10));
        accepted(accepting, AFTER_THE_MARGIN.plusSeconds(10));

        assertThat(sweepAt(AFTER_THE_MARGIN.plusSeconds(11))).isEqualTo(new DeploymentSweeper.Sweep(2, 3));
        assertThat(webhooks(completing)).containsExactlyInAnyOrder("deployment.started", "deployment.completed");
        assertThat(webhooks(accepting)).containsExactly("deployment.started");
    }

    @Test
    void a_change_committed_late_with_a_stamp_within_the_margin_before_the_previous_sweep_is_still_read() {
        String id = dispatched(T0);
        Instant previousSweep = AFTER_THE_MARGIN;
        assertThat(sweepAt(previousSweep)).isEqualTo(new DeploymentSweeper.Sweep(1, 0));

        // a writer whose clock is behind ours, or that read its clock long before it committed
        completed(id, previousSweep.minus(DeploymentSweeper.MARGIN).plusSeconds(1));

        assertThat(sweepAt(previousSweep.plusSeconds(1))).isEqualTo(new DeploymentSweeper.Sweep(1, 2));
    }

    @Test
    void a_change_stamped_before_the_margin_is_read_by_the_next_full_sweep() {
        String id = dispatched(T0);
        Instant firstSweep = AFTER_THE_MARGIN;
        sweepAt(firstSweep);

        completed(id, firstSweep.minus(DeploymentSweeper.MARGIN).minusSeconds(1));

        assertThat(sweepAt(firstSweep.plusSeconds(1))).isEqualTo(new DeploymentSweeper.Sweep(0, 0));
        assertThat(sweepAt(firstSweep.plus(DeploymentSweeper.FULL_SWEEP_EVERY)))
                .isEqualTo(new DeploymentSweeper.Sweep(1, 2));
        assertThat(webhooks(id)).containsExactlyInAnyOrder("deployment.started", "deployment.completed");
    }

    private DeploymentSweeper.Sweep sweepAt(Instant at) {
        clock.set(at);
        return sweeper.sweep();
    }

    /** A deploy of project p1 created and claimed for a Worker at {@code at}. */
    private String dispatched(Instant at) {
        Job job = Job.newPending(
                UUID.randomUUID().toString(),
                DeployRows.TASK,
                DeployRows.TASK,
                Map.of("branch", "main", "triggeredBy", "api"),
                3,
                "p1",
                "u1",
                null,
                at);
        store.create(job, null);
        assertThat(store.outbox().claim(Runner.WORKER, "http://w1", at, Duration.ofSeconds(30), 100))
                .extracting(claim -> claim.job().id())
                .containsExactly(job.id());
        return job.id();
    }

    /** As the dispatcher records a Worker's 202: an event, the job's row left as it is. */
    private void accepted(String jobId, Instant at) {
        store.jobs().appendEvent(jobId, JobEvent.of(at, JobEvent.ACCEPTED, 1, "accepted by the worker"));
    }

    private void completed(String jobId, Instant at) {
        CallbackChange change = new CallbackChange(
                jobId,
                1,
                JobStatus.COMPLETED,
                Map.of("steps", Map.of()),
                null,
                at,
                1500L,
                at.plusSeconds(600),
                JobEvent.of(at, JobEvent.CALLBACK, 1, "completed"),
                null,
                null,
                at);
        assertThat(store.applyCallbacks(List.of(change)).get(0).kind()).isEqualTo(CallbackChange.Kind.APPLIED);
    }

    private List<String> webhooks(String jobId) {
        return new Deliveries(database)
                .forJobs(List.of(jobId)).stream().map(Delivery::event).toList();
    }
}
