package dev.repoworker.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do; subclasses supply a fresh database per test. */
abstract class JobStoreContract {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration CLAIM = Duration.ofSeconds(30);

    private Database database;
    private JobStore store;

    abstract Database openDatabase();

    @BeforeEach
    void openStore() {
        database = openDatabase();
        store = new JobStore(database);
    }

    @AfterEach
    void closeStore() {
        if (database != null) {
            database.close();
        }
    }

    JobStore store() {
        return store;
    }

    static Job newJob(String key, Instant at) {
        return Job.newPending(
                UUID.randomUUID().toString(),
                "acquire-user-repo",
                "clone-repo",
                Map.of("repoUrl", "https://example.test/o/r", "depth", 1),
                3,
                "p1",
                "u1",
                key,
                at);
    }

    Job created(Instant at) {
        return store().create(newJob(null, at), "sealed-secret").job();
    }

    List<DispatchOutbox.Claim> claim(Instant now) {
        return store().outbox().claim(Runner.WORKER, "http://w1", now, CLAIM, 100);
    }

    static CallbackChange callback(Job job, JobStatus target, Integer attempt, String messageId, Instant now) {
        JobEvent event = JobEvent.of(
                now,
                target == JobStatus.RUNNING ? JobEvent.PROGRESS : JobEvent.CALLBACK,
                attempt == null ? 0 : attempt,
                target.wireName());
        return new CallbackChange(
                job.id(),
                attempt,
                target,
                target == JobStatus.COMPLETED ? Map.of("files", 2) : null,
                target == JobStatus.FAILED ? "boom" : null,
                now,
                12L,
                now.plusSeconds(600),
                event,
                messageId,
                messageId == null ? null : now.plusSeconds(300),
                now);
    }

    CallbackChange.Kind apply(CallbackChange change) {
        return store().applyCallbacks(List.of(change)).get(0).kind();
    }

    @Test
    void created_job_is_found_with_its_fields_and_a_created_event() {
        Job job = newJob("key-" + UUID.randomUUID(), T0);

        JobStore.Created created = store().create(job, "sealed");

        assertThat(created.isNew()).isTrue();
        Job found = store().jobs().find(job.id()).orElseThrow();
        assertThat(found).isEqualTo(job);
        assertThat(found.input()).containsEntry("depth", 1);
        assertThat(store().jobs().sealedSecrets(job.id())).contains("sealed");
        assertThat(store().jobs().events(job.id())).extracting(JobEvent::type).containsExactly(JobEvent.CREATED);
        assertThat(store().jobs().notStartedCount()).isEqualTo(1);
    }

    @Test
    void unknown_job_is_empty() {
        assertThat(store().jobs().find("no-such-job")).isEmpty();
        assertThat(store().jobs().events("no-such-job")).isEmpty();
    }

    @Test
    void a_batch_stores_every_job_and_a_repeated_idempotency_key_answers_the_first_job() {
        Job first = store().create(newJob("key-a", T0), null).job();

        List<JobStore.Created> batch = store().createAll(List.of(
                new JobStore.NewJob(newJob("key-a", T0), null),
                new JobStore.NewJob(newJob("key-b", T0), null),
                new JobStore.NewJob(newJob("key-b", T0), null),
                new JobStore.NewJob(newJob(null, T0), "s")));

        assertThat(batch).extracting(JobStore.Created::isNew).containsExactly(false, true, false, true);
        assertThat(batch.get(0).job().id()).isEqualTo(first.id());
        assertThat(batch.get(2).job().id()).isEqualTo(batch.get(1).job().id());
        assertThat(claim(T0.plusSeconds(5)))
                .extracting(c -> c.job().id())
                .containsExactlyInAnyOrder(
                        first.id(), batch.get(1).job().id(), batch.get(3).job().id());
    }

    @Test
    void update_bumps_the_version_and_appends_events_in_order() {
        Job job = created(T0);
        Instant t1 = T0.plusSeconds(1);
        Job cancelled = job.moveTo(JobStatus.CANCELLED, t1);

        Job stored = store().jobs()
                .update(
                        cancelled,
                        List.of(
                                JobEvent.of(t1, JobEvent.CANCELLED, 1, "a"),
                                JobEvent.of(t1, JobEvent.CANCELLED, 1, "b")),
                        null)
                .orElseThrow();

        assertThat(stored.version()).isEqualTo(job.version() + 1);
        assertThat(store().jobs().find(job.id()).orElseThrow()).isEqualTo(stored);
        assertThat(store().jobs().events(job.id()))
                .extracting(JobEvent::message)
                .containsExactly("job created for task clone-repo", "a", "b");
    }

    @Test
    void update_with_a_stale_version_changes_nothing() {
        Job job = created(T0);
        Job first = store().jobs()
                .update(job.moveTo(JobStatus.CANCELLED, T0), List.of(), null)
                .orElseThrow();

        var stale =
                store().jobs().update(job.moveTo(JobStatus.FAILED, T0), List.of(JobEvent.of(T0, "x", 1, "x")), null);

        assertThat(stale).isEmpty();
        assertThat(store().jobs().find(job.id()).orElseThrow()).isEqualTo(first);
        assertThat(store().jobs().events(job.id())).extracting(JobEvent::type).containsExactly(JobEvent.CREATED);
    }

    @Test
    void final_state_drops_the_secrets_and_is_never_claimed() {
        Job job = created(T0);

        store().jobs()
                .update(job.moveTo(JobStatus.CANCELLED, T0.plusSeconds(1)), List.of(), null)
                .orElseThrow();

        assertThat(store().jobs().sealedSecrets(job.id())).isEmpty();
        assertThat(store().jobs().find(job.id()).orElseThrow().completedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(claim(T0.plusSeconds(5))).isEmpty();
        assertThat(store().jobs().notStartedCount()).isZero();
    }

    @Test
    void the_claim_hands_a_due_job_over_once_with_runner_worker_lease_and_secrets() {
        Job job = created(T0);
        Instant now = T0.plusSeconds(1);

        List<DispatchOutbox.Claim> first = claim(now);
        List<DispatchOutbox.Claim> again =
                store().outbox().claim(Runner.WORKER, "http://w2", now.plusSeconds(60), CLAIM, 100);

        assertThat(first).singleElement().satisfies(c -> {
            assertThat(c.job().id()).isEqualTo(job.id());
            assertThat(c.job().status()).isEqualTo(JobStatus.DISPATCHED);
            assertThat(c.job().runner()).isEqualTo(Runner.WORKER);
            assertThat(c.job().workerUrl()).isEqualTo("http://w1");
            assertThat(c.job().leaseUntil()).isEqualTo(now.plus(CLAIM));
            assertThat(c.claimedUntil()).isEqualTo(now.plus(CLAIM));
            assertThat(c.sealedSecrets()).isEqualTo("sealed-secret");
            assertThat(c.tries()).isZero();
        });
        assertThat(again).isEmpty();
        assertThat(store().jobs().find(job.id()).orElseThrow())
                .isEqualTo(first.get(0).job());
        assertThat(store().jobs().events(job.id()))
                .extracting(JobEvent::type)
                .containsExactly(JobEvent.CREATED, JobEvent.DISPATCHED);
    }

    @Test
    void jobs_no_runner_has_started_are_counted_whether_pending_or_handed_over() {
        created(T0);
        DispatchOutbox.Claim claim = claim(T0.plusSeconds(1)).get(0);
        Job other = created(T0.plusSeconds(1));
        assertThat(store().jobs().notStartedCount()).isEqualTo(2);

        store().jobs()
                .update(claim.job().moveTo(JobStatus.RUNNING, T0.plusSeconds(2)), List.of(), null)
                .orElseThrow();
        assertThat(store().jobs().notStartedCount()).isEqualTo(1);

        store().jobs()
                .update(
                        store().jobs().find(other.id()).orElseThrow().moveTo(JobStatus.CANCELLED, T0.plusSeconds(3)),
                        List.of(),
                        null)
                .orElseThrow();
        assertThat(store().jobs().notStartedCount()).isZero();
    }

    @Test
    void a_released_job_is_due_again_at_its_time_with_its_tries() {
        created(T0);
        DispatchOutbox.Claim claim = claim(T0).get(0);

        boolean released = store().outbox()
                .releaseClaim(
                        claim,
                        2,
                        T0.plusSeconds(120),
                        JobEvent.of(T0, JobEvent.DISPATCH_FAILED, 1, "connection refused"));

        assertThat(released).isTrue();
        assertThat(claim(T0.plusSeconds(119))).isEmpty();
        assertThat(claim(T0.plusSeconds(120)))
                .singleElement()
                .extracting(DispatchOutbox.Claim::tries)
                .isEqualTo(2);
    }

    @Test
    void writes_after_a_claim_are_fenced_by_its_token() {
        Job job = created(T0);
        DispatchOutbox.Claim claim = claim(T0).get(0);
        // the reconciler took the job over (a version-checked write voids the claim)
        Job reconciled = store().jobs()
                .update(claim.job().withLease(T0.plusSeconds(600), T0.plusSeconds(31)), List.of(), null)
                .orElseThrow();

        boolean released =
                store().outbox().releaseClaim(claim, 1, T0, JobEvent.of(T0, JobEvent.DISPATCH_FAILED, 1, "late"));
        boolean moved = store().outbox()
                .moveClaim(claim, Runner.WORKER, "http://w2", JobEvent.of(T0, JobEvent.DISPATCH_FAILED, 1, "late"));
        boolean failed = store().outbox().failClaim(claim, "late", T0);

        assertThat(List.of(released, moved, failed)).containsOnly(false);
        assertThat(store().jobs().find(job.id()).orElseThrow()).isEqualTo(reconciled);
        assertThat(store().jobs().events(job.id()))
                .extracting(JobEvent::message)
                .noneMatch(m -> m.contains("late"));
    }

    @Test
    void a_claim_moves_to_another_worker_and_fails_for_good_while_it_holds() {
        Job job = created(T0);
        DispatchOutbox.Claim claim = claim(T0).get(0);

        assertThat(store().outbox()
                        .moveClaim(
                                claim,
                                Runner.WORKER,
                                "http://w2",
                                JobEvent.of(T0, JobEvent.DISPATCH_FAILED, 1, "w1 down")))
                .isTrue();
        assertThat(store().jobs().find(job.id()).orElseThrow().workerUrl()).isEqualTo("http://w2");
        assertThat(store().outbox().failClaim(claim, "the worker rejected the job (400): bad", T0))
                .isTrue();

        Job failed = store().jobs().find(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).contains("rejected");
        assertThat(store().jobs().sealedSecrets(job.id())).isEmpty();
    }

    @Test
    void a_new_attempt_is_due_again() {
        Job job = created(T0);
        Job failed = store().jobs()
                .update(job.moveTo(JobStatus.FAILED, T0), List.of(), null)
                .orElseThrow();

        store().jobs().replaceSecrets(job.id(), "fresh", "hash-of-the-new-token");
        Job retried = store().jobs()
                .update(
                        failed.nextAttempt(3, T0.plusSeconds(1)),
                        List.of(JobEvent.of(T0.plusSeconds(1), JobEvent.RETRY, 2, "retry")),
                        T0.plusSeconds(1))
                .orElseThrow();

        assertThat(retried.status()).isEqualTo(JobStatus.PENDING);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.completedAt()).isNull();
        assertThat(claim(T0.plusSeconds(2))).singleElement().satisfies(c -> {
            assertThat(c.job().attempt()).isEqualTo(2);
            assertThat(c.sealedSecrets()).isEqualTo("fresh");
        });
        assertThat(store().jobs().callbackTokenHash(job.id())).contains("hash-of-the-new-token");
    }

    @Test
    void the_callback_token_hash_is_stored_with_the_job_and_kept_once_it_is_final() {
        Job job = newJob(null, T0);
        store().createAll(List.of(new JobStore.NewJob(job, "sealed", "token-hash")));

        store().jobs()
                .update(job.moveTo(JobStatus.CANCELLED, T0), List.of(), null)
                .orElseThrow();

        assertThat(store().jobs().callbackTokenHash(job.id())).contains("token-hash");
        assertThat(store().jobs().sealedSecrets(job.id())).isEmpty();
        assertThat(store().jobs().callbackTokenHash("no-such-job")).isEmpty();
    }

    @Test
    void expired_leases_are_the_active_jobs_past_their_lease() {
        Job expired = created(T0);
        store().outbox().claim(Runner.WORKER, "http://w1", T0, Duration.ofSeconds(10), 1);
        Job fresh = created(T0.plusSeconds(1));
        store().outbox().claim(Runner.WORKER, "http://w1", T0.plusSeconds(1), Duration.ofSeconds(100), 1);
        Job pending = created(T0.plusSeconds(2));

        List<Job> found = store().outbox().expiredLeases(T0.plusSeconds(11), 100);

        assertThat(found).extracting(Job::id).containsExactly(expired.id()).doesNotContain(fresh.id(), pending.id());
    }

    /** {@code count} import jobs of {@code project}, a second apart; their ids newest first. */
    List<String> importJobs(String project, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = Job.newPending(
                    UUID.randomUUID().toString(),
                    "process-with-repo",
                    "import-repo",
                    Map.of(),
                    3,
                    project,
                    null,
                    null,
                    T0.plusSeconds(i));
            store().create(job, null);
            ids.add(job.id());
        }
        Collections.reverse(ids);
        return ids;
    }

    @Test
    void list_is_newest_first_filtered_and_paged_by_cursor() {
        String project = "project-" + UUID.randomUUID();
        List<String> ids = importJobs(project, 5);

        JobPage first = store().jobs().list(new JobQuery(null, "import-repo", project, 2, null));
        JobPage second = store().jobs()
                .list(new JobQuery(
                        JobStatus.PENDING,
                        null,
                        project,
                        2,
                        JobQuery.Position.decode(first.nextCursor()).orElseThrow()));
        JobPage third = store().jobs()
                .list(new JobQuery(
                        null,
                        "process-with-repo",
                        project,
                        2,
                        JobQuery.Position.decode(second.nextCursor()).orElseThrow()));

        assertThat(first.jobs()).extracting(Job::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(second.jobs()).extracting(Job::id).containsExactly(ids.get(2), ids.get(3));
        assertThat(third.jobs()).extracting(Job::id).containsExactly(ids.get(4));
        assertThat(third.nextCursor()).isNull();
        assertThat(store().jobs()
                        .list(new JobQuery(JobStatus.COMPLETED, null, project, 10, null))
                        .jobs())
                .isEmpty();
    }

    @Test
    void numbered_pages_are_newest_first_with_the_total_of_the_filtered_jobs() {
        String project = "project-" + UUID.randomUUID();
        List<String> imports = importJobs(project, 5);
        store().create(
                        Job.newPending(
                                UUID.randomUUID().toString(),
                                "acquire-user-repo",
                                "clone-repo",
                                Map.of(),
                                3,
                                project,
                                null,
                                null,
                                T0.plusSeconds(10)),
                        null);
        store().create(
                        Job.newPending(
                                UUID.randomUUID().toString(),
                                "process-with-repo",
                                "import-repo",
                                Map.of(),
                                3,
                                "another-" + project,
                                null,
                                null,
                                T0.plusSeconds(11)),
                        null);
        Job cancelled =
                store().jobs().find(imports.get(0)).orElseThrow().moveTo(JobStatus.CANCELLED, T0.plusSeconds(20));
        store().jobs().update(cancelled, List.of(), null).orElseThrow();

        NumberedPage first = store().jobs().listPage(new JobFilter(null, "import-repo", project), 1, 2);
        NumberedPage last = store().jobs().listPage(new JobFilter(null, "process-with-repo", project), 3, 2);
        NumberedPage pastTheEnd = store().jobs().listPage(new JobFilter(null, "import-repo", project), 4, 2);
        NumberedPage pending = store().jobs().listPage(new JobFilter(JobStatus.PENDING, "import-repo", project), 1, 10);
        NumberedPage wholeProject = store().jobs().listPage(new JobFilter(null, null, project), 1, 100);
        NumberedPage none = store().jobs().listPage(new JobFilter(JobStatus.COMPLETED, null, project), 1, 10);

        assertThat(first.jobs()).extracting(Job::id).containsExactly(imports.get(0), imports.get(1));
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.pages()).isEqualTo(3);
        assertThat(last.jobs()).extracting(Job::id).containsExactly(imports.get(4));
        assertThat(pastTheEnd.jobs()).isEmpty();
        assertThat(pastTheEnd.total()).isEqualTo(5);
        assertThat(pending.jobs()).extracting(Job::id).containsExactlyElementsOf(imports.subList(1, 5));
        assertThat(pending.total()).isEqualTo(4);
        assertThat(wholeProject.total()).isEqualTo(6);
        assertThat(none.total()).isZero();
        assertThat(none.pages()).isZero();
    }

    @Test
    void concurrent_claimers_never_claim_the_same_job_twice() throws Exception {
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 40; i++) {
            expected.add(created(T0).id());
        }
        List<String> claimed = concurrently(4, n -> {
            List<String> mine = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                store().outbox()
                        .claim(Runner.WORKER, "http://w" + n, T0, CLAIM, 3)
                        .forEach(c -> mine.add(c.job().id()));
            }
            return mine;
        });

        assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void the_database_is_reachable() {
        assertThat(store().isReachable()).isTrue();
    }

    @Test
    void a_final_callback_applies_once_and_a_late_copy_changes_nothing() {
        Job job = created(T0);
        claim(T0);

        CallbackChange.Kind first = apply(callback(job, JobStatus.COMPLETED, 1, null, T0.plusSeconds(1)));
        CallbackChange.Kind late = apply(callback(job, JobStatus.FAILED, 1, null, T0.plusSeconds(2)));

        Job done = store().jobs().find(job.id()).orElseThrow();
        assertThat(List.of(first, late)).containsExactly(CallbackChange.Kind.APPLIED, CallbackChange.Kind.IGNORED);
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.result()).containsEntry("files", 2);
        assertThat(done.durationMs()).isEqualTo(12L);
        assertThat(done.completedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(store().jobs().sealedSecrets(job.id())).isEmpty();
        assertThat(store().jobs().events(job.id()))
                .extracting(JobEvent::type)
                .containsExactly(JobEvent.CREATED, JobEvent.DISPATCHED, JobEvent.CALLBACK);
    }

    @Test
    void a_callback_of_another_attempt_or_an_unknown_job_is_not_applied() {
        Job job = created(T0);
        claim(T0);
        Job ghost = newJob(null, T0);

        List<CallbackChange.Verdict> verdicts = store().applyCallbacks(List.of(
                callback(job, JobStatus.COMPLETED, 2, null, T0),
                callback(ghost, JobStatus.COMPLETED, 1, "msg-ghost", T0)));

        assertThat(verdicts)
                .extracting(CallbackChange.Verdict::kind)
                .containsExactly(CallbackChange.Kind.IGNORED, CallbackChange.Kind.UNKNOWN_JOB);
        assertThat(verdicts.get(0).reason()).contains("attempt 2");
        assertThat(store().jobs().find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
        // the unknown job's message id stays free: a re-send is not a replay
        store().create(ghost, null);
        assertThat(apply(callback(ghost, JobStatus.COMPLETED, 1, "msg-ghost", T0)))
                .isEqualTo(CallbackChange.Kind.APPLIED);
    }

    @Test
    void
            a_progress_callback_moves_the_job_to_running_and_extends_its_lease_and_a_callback_without_attempt_applies_to_the_current_one() {
        Job job = created(T0);
        claim(T0);

        CallbackChange.Kind progress = apply(callback(job, JobStatus.RUNNING, null, null, T0.plusSeconds(1)));

        Job running = store().jobs().find(job.id()).orElseThrow();
        assertThat(progress).isEqualTo(CallbackChange.Kind.APPLIED);
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.leaseUntil()).isEqualTo(T0.plusSeconds(601));
        assertThat(store().jobs().events(job.id()))
                .last()
                .extracting(JobEvent::attempt)
                .isEqualTo(1);
    }

    @Test
    void a_replayed_message_is_refused_and_changes_nothing_in_a_batch_or_across_batches() {
        Job job = created(T0);
        claim(T0);

        List<CallbackChange.Verdict> batch = store().applyCallbacks(List.of(
                callback(job, JobStatus.RUNNING, 1, "msg-1", T0), callback(job, JobStatus.RUNNING, 1, "msg-1", T0)));
        CallbackChange.Kind later = apply(callback(job, JobStatus.COMPLETED, 1, "msg-1", T0));

        assertThat(batch)
                .extracting(CallbackChange.Verdict::kind)
                .containsExactly(CallbackChange.Kind.APPLIED, CallbackChange.Kind.REPLAYED);
        assertThat(later).isEqualTo(CallbackChange.Kind.REPLAYED);
        assertThat(store().jobs().find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store().jobs().events(job.id()))
                .filteredOn(e -> e.type().equals(JobEvent.PROGRESS))
                .hasSize(1);
    }

    @Test
    void messages_are_forgotten_once_their_copies_no_longer_verify() {
        Job job = created(T0);
        claim(T0);
        apply(callback(job, JobStatus.RUNNING, 1, "msg-soon", T0));

        assertThat(store().messages().forgetMessages(T0.plusSeconds(301))).isEqualTo(1);

        assertThat(apply(callback(job, JobStatus.RUNNING, 1, "msg-soon", T0.plusSeconds(301))))
                .isEqualTo(CallbackChange.Kind.APPLIED);
    }

    @Test
    void concurrent_copies_of_one_message_apply_once() throws Exception {
        Job job = created(T0);
        claim(T0);

        List<CallbackChange.Kind> kinds =
                concurrently(8, n -> List.of(apply(callback(job, JobStatus.RUNNING, 1, "msg-race", T0))));

        assertThat(kinds).containsOnlyOnce(CallbackChange.Kind.APPLIED);
        assertThat(store().jobs().events(job.id()))
                .filteredOn(e -> e.type().equals(JobEvent.PROGRESS))
                .hasSize(1);
    }

    /** Race 2 of issue 13: a final callback used to lose its version check to a busy job and be answered 200 unapplied. */
    @Test
    void a_final_callback_is_applied_however_busy_the_job_is() throws Exception {
        Job job = created(T0);
        claim(T0);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> bumpers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            bumpers.add(pool.submit(() -> {
                while (!done.get()) {
                    store().applyCallbacks(List.of(callback(job, JobStatus.RUNNING, 1, null, T0)));
                    store().jobs().appendEvent(job.id(), JobEvent.of(T0, JobEvent.RECONCILED, 1, "busy"));
                }
            }));
        }
        CallbackChange.Kind finalOne = pool.submit(() -> apply(callback(job, JobStatus.COMPLETED, 1, "msg-final", T0)))
                .get(30, TimeUnit.SECONDS);
        done.set(true);
        for (Future<?> bumper : bumpers) {
            bumper.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(finalOne).isEqualTo(CallbackChange.Kind.APPLIED);
        assertThat(store().jobs().find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void concurrent_writers_of_one_job_get_distinct_event_numbers() throws Exception {
        Job job = created(T0);

        concurrently(4, n -> {
            for (int i = 0; i < 10; i++) {
                store().jobs()
                        .appendEvent(job.id(), JobEvent.of(T0, JobEvent.RECONCILED, 1, "writer " + n + " event " + i));
            }
            return List.of();
        });

        assertThat(store().jobs().events(job.id())).hasSize(41);
    }

    @Test
    void finished_jobs_past_the_retention_are_deleted_with_their_events() {
        Job old = created(T0);
        store().jobs()
                .update(
                        old.moveTo(JobStatus.CANCELLED, T0),
                        List.of(JobEvent.of(T0, JobEvent.CANCELLED, 1, "x")),
                        null);
        Job recent = created(T0);
        store().jobs().update(recent.moveTo(JobStatus.CANCELLED, T0.plusSeconds(100)), List.of(), null);
        Job open = created(T0);

        int deleted = store().jobs().deleteFinished(T0.plusSeconds(50), 10);

        assertThat(deleted).isEqualTo(1);
        assertThat(store().jobs().find(old.id())).isEmpty();
        assertThat(store().jobs().events(old.id())).isEmpty();
        assertThat(store().jobs().find(recent.id())).isPresent();
        assertThat(store().jobs().find(open.id())).isPresent();
    }

    interface Worker<T> {
        List<T> run(int n) throws Exception;
    }

    /** Runs {@code threads} copies of {@code work} from one start signal and gathers what they return. */
    static <T> List<T> concurrently(int threads, Worker<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<T>>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                start.await();
                return work.run(n);
            }));
        }
        start.countDown();
        List<T> all = new ArrayList<>();
        for (Future<List<T>> result : results) {
            all.addAll(result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return all;
    }
}
