package dev.repoworker.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobPage;
import dev.repoworker.api.job.NumberedPage;
import dev.repoworker.api.job.Secrets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as clients see it ({@code id} and {@code jobId} both, as the original API answered). Secrets are never part
 * of it ({@code input}, {@code result} and event data are redacted again, just in case). Null fields are left out.
 */
record JobView(
        String id,
        String jobId,
        String type,
        String task,
        String status,
        int attempt,
        int maxAttempts,
        int version,
        String projectId,
        String userId,
        Map<String, Object> input,
        Map<String, Object> result,
        String error,
        String runner,
        Instant processedAt,
        Long duration,
        Instant leaseUntil,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt) {

    static JobView of(Job job) {
        return new JobView(
                job.id(),
                job.id(),
                job.requestedTask(),
                job.task(),
                job.status().wireName(),
                job.attempt(),
                job.maxAttempts(),
                job.version(),
                job.projectId(),
                job.userId(),
                Secrets.redact(job.input()),
                Secrets.redact(job.result()),
                job.error(),
                job.runner() == null ? null : job.runner().wireName(),
                job.processedAt(),
                job.durationMs(),
                job.leaseUntil(),
                job.createdAt(),
                job.updatedAt(),
                job.completedAt());
    }

    /** {@code GET /api/cloudrun/jobs/{id}}: the job and its event log, oldest first. */
    record Detail(@JsonUnwrapped JobView job, List<Event> events) {

        static Detail of(Job job, List<JobEvent> events) {
            return new Detail(JobView.of(job), events.stream().map(Event::of).toList());
        }
    }

    /** One entry of the job's log, as the detail and the event stream show it. */
    record Event(Instant at, String type, int attempt, String message, Map<String, Object> data) {

        static Event of(JobEvent event) {
            return new Event(event.at(), event.type(), event.attempt(), event.message(), Secrets.redact(event.data()));
        }
    }

    /** A page of the cursor listing; {@code nextCursor} is left out on the last page. */
    record Page(List<JobView> jobs, String nextCursor) {

        static Page of(JobPage page) {
            return new Page(page.jobs().stream().map(JobView::of).toList(), page.nextCursor());
        }
    }

    /** The original API's page-based listing: {@code {success, jobs, pagination: {total, page, limit, pages}}}. */
    record NumberedList(boolean success, List<JobView> jobs, Pagination pagination) {

        static NumberedList of(NumberedPage page) {
            return new NumberedList(
                    true,
                    page.jobs().stream().map(JobView::of).toList(),
                    new Pagination(page.total(), page.page(), page.limit()));
        }
    }
}
