package dev.repoworker.api;

import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobPage;
import dev.repoworker.api.job.NumberedPage;
import dev.repoworker.api.job.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How jobs look to clients. Secrets are never part of it (and redacted again, just in case). */
final class JobJson {

    private JobJson() {}

    static Map<String, Object> summary(Job job) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id());
        json.put("jobId", job.id());
        json.put("type", job.requestedTask());
        json.put("task", job.task());
        json.put("status", job.status().wireName());
        json.put("attempt", job.attempt());
        json.put("maxAttempts", job.maxAttempts());
        json.put("version", job.version());
        json.put("projectId", job.projectId());
        json.put("userId", job.userId());
        json.put("input", Secrets.redact(job.input()));
        json.put("result", Secrets.redact(job.result()));
        json.put("error", job.error());
        json.put("runner", job.runner() == null ? null : job.runner().wireName());
        json.put("processedAt", job.processedAt());
        json.put("duration", job.durationMs());
        json.put("leaseUntil", job.leaseUntil());
        json.put("createdAt", job.createdAt());
        json.put("updatedAt", job.updatedAt());
        json.put("completedAt", job.completedAt());
        return json;
    }

    static Map<String, Object> detail(Job job, List<JobEvent> events) {
        Map<String, Object> json = summary(job);
        json.put("events", events.stream().map(JobJson::event).toList());
        return json;
    }

    static Map<String, Object> page(JobPage page) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jobs", page.jobs().stream().map(JobJson::summary).toList());
        json.put("nextCursor", page.nextCursor());
        return json;
    }

    /** The original API's page-based answer: {@code {success, jobs, pagination: {total, page, limit, pages}}}. */
    static Map<String, Object> numberedPage(NumberedPage page) {
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("total", page.total());
        pagination.put("page", page.page());
        pagination.put("limit", page.limit());
        pagination.put("pages", page.pages());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("success", true);
        json.put("jobs", page.jobs().stream().map(JobJson::summary).toList());
        json.put("pagination", pagination);
        return json;
    }

    static Map<String, Object> event(JobEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", event.at());
        json.put("type", event.type());
        json.put("attempt", event.attempt());
        json.put("message", event.message());
        json.put("data", Secrets.redact(event.data()));
        return json;
    }
}
