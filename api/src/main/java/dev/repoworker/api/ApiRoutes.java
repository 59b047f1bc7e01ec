package dev.repoworker.api;

import static dev.repoworker.api.Responses.json;

import dev.repoworker.api.dispatch.TaskMapping;
import dev.repoworker.api.job.JobFilter;
import dev.repoworker.api.job.JobQuery;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.observe.JobStats;
import dev.repoworker.api.search.JobSearch;
import dev.repoworker.embeddings.SemanticSearch;
import dev.repoworker.protocol.JobIds;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job API's handlers (submit, list, get, cancel, retry, search, stats, health); {@link ApiRouteTable} says which
 * path serves which, {@link CallbackRoutes} takes the callbacks and {@link ApiErrors} maps the errors.
 */
final class ApiRoutes {

    static final String BASE = "/api/cloudrun";
    private static final int MAX_KEY_LENGTH = 200;
    private static final int MAX_QUERY_LENGTH = 1000;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_PAGE = 1_000_000;
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,3})([mh])");

    private final JobService jobs;
    private final JobStore store;
    private final Clock clock;
    private JobSearch search;
    private JobStats stats;

    /** {@code GET /health}. */
    record Health(String status, Instant timestamp) {}

    /** {@code GET /ready}: whether the database answers. */
    record Readiness(String status, String database, Instant timestamp) {}

    ApiRoutes(JobService jobs, JobStore store, Clock clock) {
        this.jobs = jobs;
        this.store = store;
        this.clock = clock;
    }

    /** Offers {@code GET /api/cloudrun/jobs/{id}/search}. */
    ApiRoutes withSearch(JobSearch search) {
        this.search = search;
        return this;
    }

    /** Offers {@code GET /api/cloudrun/stats?window=1h}. */
    ApiRoutes withStats(JobStats stats) {
        this.stats = stats;
        return this;
    }

    boolean searches() {
        return search != null;
    }

    boolean hasStats() {
        return stats != null;
    }

    void health(Context ctx) {
        json(ctx, 200, new Health("healthy", clock.instant()));
    }

    void cancel(Context ctx) {
        Requests.object(ctx, true);
        json(ctx, 200, JobView.of(jobs.cancel(id(ctx))));
    }

    void retry(Context ctx) {
        Map<String, Object> body = Requests.object(ctx, true);
        json(ctx, 202, JobView.of(jobs.retry(id(ctx), Requests.objectField(body, "data"))));
    }

    void ready(Context ctx) {
        boolean up = store.isReachable();
        json(ctx, up ? 200 : 503, new Readiness(up ? "ready" : "unavailable", up ? "up" : "down", clock.instant()));
    }

    void submit(Context ctx) {
        JobRequest request = JobRequest.read(Requests.object(ctx, false));
        respondCreated(ctx, request.submission(idempotencyKey(ctx)));
    }

    void submitConvenience(Context ctx, String task) {
        JobRequest request = JobRequest.ofData(task, Requests.object(ctx, false));
        respondCreated(ctx, request.submission(idempotencyKey(ctx)));
    }

    private void respondCreated(Context ctx, JobService.Submission submission) {
        JobStore.Created created = jobs.submit(submission);
        ctx.header("Location", BASE + "/jobs/" + created.job().id());
        json(ctx, created.isNew() ? 202 : 200, JobView.of(created.job()));
    }

    void job(Context ctx) {
        String id = id(ctx);
        json(ctx, 200, JobView.Detail.of(jobs.get(id), store.jobs().events(id)));
    }

    /** By cursor ({@code cursor}, {@code nextCursor}), or with {@code page} by number, as the original API lists. */
    void list(Context ctx) {
        JobFilter filter = new JobFilter(status(ctx), type(ctx), filter(ctx, "projectId"));
        String cursor = ctx.queryParam("cursor");
        boolean hasCursor = cursor != null && !cursor.isBlank();
        String page = ctx.queryParam("page");
        if (page != null && !page.isBlank()) {
            if (hasCursor) {
                throw ApiException.badRequest("cursor", "use either page or cursor, not both");
            }
            int number = Requests.intParam(ctx, "page", 1, 1, MAX_PAGE);
            int limit = Requests.intParam(ctx, "limit", 50, 1, MAX_LIMIT);
            json(ctx, 200, JobView.NumberedList.of(store.jobs().listPage(filter, number, limit)));
            return;
        }
        JobQuery.Position after = null;
        if (hasCursor) {
            after = JobQuery.Position.decode(cursor)
                    .orElseThrow(() -> ApiException.badRequest("cursor", "cursor is not one this API returned"));
        }
        int limit = Requests.intParam(ctx, "limit", 20, 1, MAX_LIMIT);
        json(
                ctx,
                200,
                JobView.Page.of(store.jobs()
                        .list(new JobQuery(filter.status(), filter.type(), filter.projectId(), limit, after))));
    }

    private static JobStatus status(Context ctx) {
        String status = ctx.queryParam("status");
        if (status == null || status.isBlank()) {
            return null;
        }
        return JobStatus.fromWire(status)
                .orElseThrow(() -> ApiException.badRequest(
                        "status", "status must be one of pending, dispatched, running, completed, failed, cancelled"));
    }

    /** A task name, or one of the original API's type names ({@code repo_clone}, {@code repo_import}, {@code repo_deploy}). */
    private static String type(Context ctx) {
        String type = filter(ctx, "type");
        return type == null ? null : TaskMapping.taskOfType(type);
    }

    /** Semantic search over a job's embeddings: {@code ?q=…&k=10} → {@code [{slug, title, url, score, snippet, heading}]}. */
    void search(Context ctx) throws Exception {
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("q", "q (the search query) is required");
        }
        if (q.length() > MAX_QUERY_LENGTH) {
            throw ApiException.badRequest("q", "q must be at most " + MAX_QUERY_LENGTH + " characters");
        }
        int k = Requests.intParam(ctx, "k", 10, 1, SemanticSearch.MAX_K);
        String id = id(ctx);
        jobs.get(id);
        try {
            json(ctx, 200, search.search(id, q.strip(), k));
        } catch (JobSearch.NotSearchableException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    /** Jobs finished per minute by outcome, and p50/p95 duration per task, over {@code ?window=} (1m to 24h, default 1h). */
    void stats(Context ctx) {
        String window = ctx.queryParam("window");
        if (window == null || window.isBlank()) {
            window = "1h";
        }
        Matcher m = WINDOW.matcher(window);
        long minutes = m.matches() ? Long.parseLong(m.group(1)) * (m.group(2).equals("h") ? 60 : 1) : -1;
        if (minutes < 1 || minutes > JobStats.MAX_WINDOW.toMinutes()) {
            throw ApiException.badRequest("window", "window must be minutes or hours from 1m to 24h, like 15m or 1h");
        }
        json(ctx, 200, stats.last((int) minutes, window));
    }

    static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null || key.isBlank()) {
            return null;
        }
        if (key.length() > MAX_KEY_LENGTH || Requests.hasControlCharacters(key)) {
            throw ApiException.badRequest(
                    "Idempotency-Key",
                    "the Idempotency-Key header must be at most " + MAX_KEY_LENGTH
                            + " characters, without control characters");
        }
        return key.trim();
    }

    /** The {@code {id}} path parameter: a job id by the protocol's rule (400 otherwise), not necessarily an existing one. */
    static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!JobIds.isValid(id)) {
            throw ApiException.badRequest("id", "the job id in the path " + JobIds.RULE);
        }
        return id;
    }

    private static String filter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_KEY_LENGTH || Requests.hasControlCharacters(value)) {
            throw ApiException.badRequest(
                    name, name + " must be at most " + MAX_KEY_LENGTH + " characters, without control characters");
        }
        return value;
    }
}
