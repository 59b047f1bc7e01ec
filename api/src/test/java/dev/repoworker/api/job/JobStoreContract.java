package dev.repoworker.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.Signatures;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do; subclasses supply the database. */
abstract class JobStoreContract {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    abstract JobStore store();

    static Job newJob(String key, Instant at) {
        return Job.newPending(UUID.randomUUID().toString(), "acquire-user-repo", "clone-repo",
                Map.of("repoUrl", "https://example.test/o/r", "depth", 1), 3, "p1", "u1", key, at);
    }

    Job created(Instant at) {
        return store().create(newJob(null, at), "sealed-secret", at).job();
    }

    @Test
    void created_job_is_found_with_its_fields_and_a_created_event() {
        Job job = newJob("key-" + UUID.randomUUID(), T0);

        JobStore.Created created = store().create(job, "sealed", T0);

        assertThat(created.isNew()).isTrue();
        Job found = store().find(job.id()).orElseThrow();
        assertThat(found).isEqualTo(job);
        assertThat(found.input()).containsEntry("depth", 1);
        assertThat(store().sealedSecrets(job.id())).contains("sealed");
        assertThat(store().events(job.id())).extracting(JobEvent::type).containsExactly(JobEvent.CREATED);
    }

    @Test
    void unknown_job_is_empty() {
        assertThat(store().find("no-such-job")).isEmpty();
        assertThat(store().events("no-such-job")).isEmpty();
    }

    @Test
    void repeated_idempotency_key_returns_the_existing_job_and_stores_nothing_new() {
        String key = "key-" + UUID.randomUUID();
        Job first = store().create(newJob(key, T0), null, T0).job();

        JobStore.Created again = store().create(newJob(key, T0.plusSeconds(1)), null, T0.plusSeconds(1));

        assertThat(again.isNew()).isFalse();
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(store().claimDispatches("c", T0.plusSeconds(5), Duration.ofMinutes(1), 100))
                .filteredOn(d -> d.jobId().equals(first.id())).hasSize(1);
    }

    @Test
    void update_bumps_the_version_and_appends_events_in_order() {
        Job job = created(T0);
        Instant t1 = T0.plusSeconds(1);
        Job dispatched = job.moveTo(JobStatus.DISPATCHED, t1).withRunner(Runner.WORKER, "http://w").withLease(t1.plusSeconds(60), t1);

        Job stored = store().update(dispatched, List.of(JobEvent.of(t1, JobEvent.DISPATCHED, 1, "sent")), null).orElseThrow();

        assertThat(stored.version()).isEqualTo(job.version() + 1);
        assertThat(stored.status()).isEqualTo(JobStatus.DISPATCHED);
        assertThat(stored.runner()).isEqualTo(Runner.WORKER);
        assertThat(stored.leaseUntil()).isEqualTo(t1.plusSeconds(60));
        assertThat(store().events(job.id())).extracting(JobEvent::type).containsExactly(JobEvent.CREATED, JobEvent.DISPATCHED);
    }

    @Test
    void update_with_a_stale_version_changes_nothing() {
        Job job = created(T0);
        Job first = store().update(job.moveTo(JobStatus.DISPATCHED, T0), List.of(), null).orElseThrow();

        var stale = store().update(job.moveTo(JobStatus.CANCELLED, T0), List.of(JobEvent.of(T0, "x", 1, "x")), null);

        assertThat(stale).isEmpty();
        assertThat(store().find(job.id()).orElseThrow()).isEqualTo(first);
        assertThat(store().events(job.id())).extracting(JobEvent::type).containsExactly(JobEvent.CREATED);
    }

    @Test
    void final_state_drops_the_secrets_and_closes_open_dispatches() {
        Job job = created(T0);

        store().update(job.moveTo(JobStatus.CANCELLED, T0.plusSeconds(1)), List.of(), null).orElseThrow();

        assertThat(store().sealedSecrets(job.id())).isEmpty();
        assertThat(store().find(job.id()).orElseThrow().completedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(store().claimDispatches("c", T0.plusSeconds(5), Duration.ofMinutes(1), 100))
                .noneMatch(d -> d.jobId().equals(job.id()));
    }

    @Test
    void a_due_dispatch_is_claimed_once_until_its_claim_expires() {
        Job job = created(T0);
        Instant now = T0.plusSeconds(1);

        List<Dispatch> first = mine(store().claimDispatches("a", now, Duration.ofSeconds(30), 100), job);
        List<Dispatch> whileClaimed = mine(store().claimDispatches("b", now.plusSeconds(10), Duration.ofSeconds(30), 100), job);
        List<Dispatch> afterExpiry = mine(store().claimDispatches("b", now.plusSeconds(31), Duration.ofSeconds(30), 100), job);

        assertThat(first).singleElement().satisfies(d -> {
            assertThat(d.attempt()).isEqualTo(1);
            assertThat(d.tries()).isZero();
        });
        assertThat(whileClaimed).isEmpty();
        assertThat(afterExpiry).hasSize(1);
    }

    @Test
    void a_dispatch_is_not_due_before_its_time_and_a_reschedule_keeps_its_tries() {
        Job job = store().create(newJob(null, T0), null, T0.plusSeconds(60)).job();

        assertThat(mine(store().claimDispatches("a", T0.plusSeconds(59), Duration.ofSeconds(30), 100), job)).isEmpty();
        Dispatch d = mine(store().claimDispatches("a", T0.plusSeconds(60), Duration.ofSeconds(30), 100), job).get(0);
        store().rescheduleDispatch(d.id(), 2, T0.plusSeconds(120), "connection refused", T0.plusSeconds(60));

        assertThat(mine(store().claimDispatches("a", T0.plusSeconds(119), Duration.ofSeconds(30), 100), job)).isEmpty();
        assertThat(mine(store().claimDispatches("a", T0.plusSeconds(120), Duration.ofSeconds(30), 100), job))
                .singleElement().extracting(Dispatch::tries).isEqualTo(2);
    }

    @Test
    void a_finished_dispatch_is_never_claimed_again() {
        Job job = created(T0);
        Dispatch d = mine(store().claimDispatches("a", T0, Duration.ofSeconds(1), 100), job).get(0);

        store().finishDispatch(d.id(), Dispatch.SENT, null, T0);

        assertThat(mine(store().claimDispatches("a", T0.plus(1, ChronoUnit.HOURS), Duration.ofSeconds(1), 100), job)).isEmpty();
    }

    @Test
    void a_new_attempt_enqueues_its_own_dispatch_and_obsoletes_the_old_one() {
        Job job = created(T0);
        Job failed = store().update(job.moveTo(JobStatus.FAILED, T0), List.of(), null).orElseThrow();

        store().replaceSecrets(job.id(), "fresh");
        Job retried = store().update(failed.nextAttempt(3, T0.plusSeconds(1)),
                List.of(JobEvent.of(T0.plusSeconds(1), JobEvent.RETRY, 2, "retry")), T0.plusSeconds(1)).orElseThrow();

        assertThat(retried.status()).isEqualTo(JobStatus.PENDING);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.completedAt()).isNull();
        assertThat(store().sealedSecrets(job.id())).contains("fresh");
        assertThat(mine(store().claimDispatches("a", T0.plusSeconds(2), Duration.ofSeconds(30), 100), job))
                .singleElement().extracting(Dispatch::attempt).isEqualTo(2);
    }

    @Test
    void expired_leases_are_the_active_jobs_past_their_lease() {
        Job expired = created(T0);
        Job fresh = created(T0);
        Job pending = created(T0);
        store().update(expired.moveTo(JobStatus.DISPATCHED, T0).withLease(T0.plusSeconds(10), T0), List.of(), null);
        Job freshDispatched = store().update(fresh.moveTo(JobStatus.DISPATCHED, T0)
                .withLease(T0.plusSeconds(100), T0), List.of(), null).orElseThrow();
        store().update(freshDispatched.moveTo(JobStatus.RUNNING, T0), List.of(), null).orElseThrow();

        List<Job> found = store().expiredLeases(T0.plusSeconds(11), 100);

        assertThat(found).extracting(Job::id).contains(expired.id()).doesNotContain(fresh.id(), pending.id());
    }

    @Test
    void list_is_newest_first_filtered_and_paged_by_cursor() {
        String project = "project-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job job = Job.newPending(UUID.randomUUID().toString(), "process-with-repo", "import-repo", Map.of(), 3,
                    project, null, null, T0.plusSeconds(i));
            store().create(job, null, T0);
            ids.add(job.id());
        }
        Collections.reverse(ids);

        JobPage first = store().list(new JobQuery(null, "import-repo", project, 2, null));
        JobPage second = store().list(new JobQuery(JobStatus.PENDING, null, project, 2,
                JobQuery.Position.decode(first.nextCursor()).orElseThrow()));
        JobPage third = store().list(new JobQuery(null, "process-with-repo", project, 2,
                JobQuery.Position.decode(second.nextCursor()).orElseThrow()));

        assertThat(first.jobs()).extracting(Job::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(second.jobs()).extracting(Job::id).containsExactly(ids.get(2), ids.get(3));
        assertThat(third.jobs()).extracting(Job::id).containsExactly(ids.get(4));
        assertThat(third.nextCursor()).isNull();
        assertThat(store().list(new JobQuery(JobStatus.COMPLETED, null, project, 10, null)).jobs()).isEmpty();
    }

    @Test
    void concurrent_claimers_never_claim_the_same_dispatch_twice() throws Exception {
        Instant due = T0.minus(1, ChronoUnit.DAYS);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 40; i++) {
            expected.add(store().create(newJob(null, due), null, due).job().id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Dispatch>>> results = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String claimer = "claimer-" + c;
            results.add(pool.submit(() -> {
                start.await();
                List<Dispatch> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    mine.addAll(store().claimDispatches(claimer, T0, Duration.ofMinutes(5), 3));
                }
                return mine;
            }));
        }
        start.countDown();
        List<String> claimedJobIds = new ArrayList<>();
        for (Future<List<Dispatch>> f : results) {
            f.get(60, TimeUnit.SECONDS).stream().map(Dispatch::jobId).filter(expected::contains).forEach(claimedJobIds::add);
        }
        pool.shutdown();

        assertThat(claimedJobIds).doesNotHaveDuplicates();
        assertThat(claimedJobIds).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void the_database_is_reachable() {
        assertThat(store().isReachable()).isTrue();
    }

    private static List<Dispatch> mine(List<Dispatch> claimed, Job job) {
        return claimed.stream().filter(d -> d.jobId().equals(job.id())).toList();
    }

    private static Signatures.Verified message(String id, Instant until) {
        return new Signatures.Verified(id + "-" + UUID.randomUUID(), until);
    }

    @Test
    void a_message_is_recorded_once() {
        Signatures.Verified message = message("msg_once", T0.plusSeconds(300));

        store().recordMessage(message, T0);

        assertThatThrownBy(() -> store().recordMessage(message, T0.plusSeconds(1)))
                .isInstanceOf(ReplayedMessageException.class)
                .hasMessageContaining(message.messageId());
    }

    @Test
    void update_once_writes_the_job_and_its_message_together_and_a_replay_writes_nothing() {
        Job job = created(T0);
        Signatures.Verified message = message("msg_update", T0.plusSeconds(300));
        Job dispatched = store().updateOnce(job.moveTo(JobStatus.DISPATCHED, T0.plusSeconds(1)),
                List.of(JobEvent.of(T0.plusSeconds(1), JobEvent.PROGRESS, 1, "first")), message).orElseThrow();

        assertThatThrownBy(() -> store().updateOnce(dispatched.moveTo(JobStatus.RUNNING, T0.plusSeconds(2)),
                List.of(JobEvent.of(T0.plusSeconds(2), JobEvent.PROGRESS, 1, "replayed")), message))
                .isInstanceOf(ReplayedMessageException.class);

        assertThat(store().find(job.id()).orElseThrow()).isEqualTo(dispatched);
        assertThat(store().events(job.id())).extracting(JobEvent::message).doesNotContain("replayed").contains("first");
        assertThatThrownBy(() -> store().recordMessage(message, T0)).isInstanceOf(ReplayedMessageException.class);
    }

    @Test
    void update_once_that_loses_the_version_check_leaves_the_message_free() {
        Job job = created(T0);
        store().update(job.moveTo(JobStatus.DISPATCHED, T0), List.of(), null).orElseThrow();
        Signatures.Verified message = message("msg_stale", T0.plusSeconds(300));

        assertThat(store().updateOnce(job.moveTo(JobStatus.CANCELLED, T0), List.of(), message)).isEmpty();

        store().recordMessage(message, T0);
    }

    @Test
    void messages_are_forgotten_once_their_copies_no_longer_verify() {
        Signatures.Verified soon = message("msg_soon", T0.plusSeconds(60));
        Signatures.Verified later = message("msg_later", T0.plusSeconds(600));
        store().recordMessage(soon, T0);
        store().recordMessage(later, T0);

        assertThat(store().forgetMessages(T0.plusSeconds(61))).isGreaterThanOrEqualTo(1);

        store().recordMessage(soon, T0.plusSeconds(61));
        assertThatThrownBy(() -> store().recordMessage(later, T0.plusSeconds(61))).isInstanceOf(ReplayedMessageException.class);
    }

    @Test
    void concurrent_copies_of_one_message_apply_once() throws Exception {
        Job job = created(T0);
        Signatures.Verified message = message("msg_race", T0.plusSeconds(300));
        int copies = 8;
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            int n = i;
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    Job next = job.moveTo(JobStatus.DISPATCHED, T0.plusSeconds(1));
                    return store().updateOnce(next, List.of(JobEvent.of(T0, JobEvent.PROGRESS, 1, "copy " + n)), message)
                            .isPresent() ? "applied" : "lost the version check";
                } catch (ReplayedMessageException e) {
                    return "replay";
                }
            }));
        }
        start.countDown();
        List<String> results = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            results.add(outcome.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(results).containsOnlyOnce("applied");
        assertThat(store().events(job.id())).filteredOn(e -> e.message().startsWith("copy ")).hasSize(1);
    }
}
