package dev.repoworker.api;

import dev.repoworker.api.dispatch.RunnerStop;
import dev.repoworker.api.dispatch.TaskMapping;
import dev.repoworker.api.job.BatchWriter;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.api.job.UnknownJobException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What clients do to jobs: submit, cancel, retry. Secrets are split off and sealed on the way in. */
final class JobService {

    private static final int MAX_CONFLICT_RETRIES = 10;

    /** A submission as the routes read it. */
    record Submission(String task, Map<String, Object> data, String projectId, String userId, String idempotencyKey) {}

    private final Jobs jobs;
    private final TaskMapping mapping;
    private final SecretBox secretBox;
    private final RunnerStop runners;
    private final Clock clock;
    private final int maxAttempts;
    private final Runnable dispatchSoon;
    private final BatchWriter<JobStore.NewJob, JobStore.Created> submissions;
    private final Backlog backlog;

    JobService(
            Jobs jobs,
            TaskMapping mapping,
            SecretBox secretBox,
            RunnerStop runners,
            Clock clock,
            int maxAttempts,
            Runnable dispatchSoon,
            BatchWriter<JobStore.NewJob, JobStore.Created> submissions,
            Backlog backlog) {
        this.submissions = submissions;
        this.backlog = backlog;
        this.jobs = jobs;
        this.mapping = mapping;
        this.secretBox = secretBox;
        this.runners = runners;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.dispatchSoon = dispatchSoon;
    }

    JobStore.Created submit(Submission submission) {
        TaskMapping.Mapped mapped = mapping.map(submission.task(), submission.data());
        Secrets.Split split = Secrets.split(mapped.data());
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        Job job = Job.newPending(
                id,
                mapped.workerTask(),
                submission.task(),
                split.publicData(),
                maxAttempts,
                submission.projectId(),
                submission.userId(),
                submission.idempotencyKey(),
                now);
        CallbackTokens.Issued token = CallbackTokens.issue();
        String sealed = secretBox.seal(id, CallbackTokens.sealedWith(split.secretData(), token.token()));
        backlog.admit();
        // answered once the batch that holds it is committed; the writer wakes the dispatcher
        return submissions.write(new JobStore.NewJob(job, sealed, token.hash()));
    }

    Job get(String id) {
        return jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    }

    Job cancel(String id) {
        for (int i = 0; i < MAX_CONFLICT_RETRIES; i++) {
            Job job = get(id);
            if (job.status().isFinal()) {
                throw ApiException.conflict("job " + id + " is already " + job.status());
            }
            Instant now = clock.instant();
            Job cancelled = job.moveTo(JobStatus.CANCELLED, now);
            if (jobs.update(
                            cancelled,
                            List.of(JobEvent.of(now, JobEvent.CANCELLED, job.attempt(), "cancelled by request")),
                            null)
                    .isPresent()) {
                runners.stop(job);
                return get(id);
            }
        }
        throw ApiException.conflict("job " + id + " kept changing; try again");
    }

    /**
     * A failed or cancelled job runs again as a new attempt; {@code freshData} may bring secrets again. The attempt
     * gets a new callback token: the previous one stays refused.
     */
    Job retry(String id, Map<String, Object> freshData) {
        for (int i = 0; i < MAX_CONFLICT_RETRIES; i++) {
            Job job = get(id);
            if (job.status() != JobStatus.FAILED && job.status() != JobStatus.CANCELLED) {
                throw ApiException.conflict(
                        "only a failed or cancelled job can be retried; job " + id + " is " + job.status());
            }
            Map<String, Object> freshSecrets = Secrets.split(freshData).secretData();
            Instant now = clock.instant();
            Job next = job.nextAttempt(Math.max(job.maxAttempts(), job.attempt() + 1), now);
            JobEvent event =
                    JobEvent.of(now, JobEvent.RETRY, next.attempt(), "retry requested; attempt " + next.attempt());
            CallbackTokens.Issued token = CallbackTokens.issue();
            jobs.replaceSecrets(
                    id, secretBox.seal(id, CallbackTokens.sealedWith(freshSecrets, token.token())), token.hash());
            Optional<Job> stored = jobs.update(next, List.of(event), now);
            if (stored.isPresent()) {
                dispatchSoon.run();
                return stored.get();
            }
        }
        throw ApiException.conflict("job " + id + " kept changing; try again");
    }
}
