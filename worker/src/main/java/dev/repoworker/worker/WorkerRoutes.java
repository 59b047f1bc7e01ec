package dev.repoworker.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.observe.JsonErrorPages;
import dev.repoworker.observe.ServiceMetrics;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.process.CancelRequest;
import dev.repoworker.worker.process.Cancellation;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.ProcessHandler;
import dev.repoworker.worker.process.RequestAuthenticator;
import dev.repoworker.worker.process.WorkerJob;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every HTTP route of the Worker and the mapping of errors to JSON, in one place. */
final class WorkerRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRoutes.class);

    private static final String ERROR_WRITTEN = "repoworker.error-written";

    private final ProcessHandler processHandler;
    private final JobExecutor executor;
    private final RequestAuthenticator authenticator;
    private final Clock clock;
    private final ServiceMetrics metrics;

    WorkerRoutes(
            ProcessHandler processHandler,
            JobExecutor executor,
            RequestAuthenticator authenticator,
            Clock clock,
            ServiceMetrics metrics) {
        this.processHandler = processHandler;
        this.executor = executor;
        this.authenticator = authenticator;
        this.clock = clock;
        this.metrics = metrics;
    }

    void register(JavalinConfig config) {
        config.routes.get("/health", this::health);
        config.routes.post("/process", this::process);
        config.routes.get("/jobs/{jobId}", this::job);
        config.routes.post("/jobs/{jobId}/cancel", this::cancel);
        // open like /health (no job data in it); see README "Metrics"
        config.routes.get("/metrics", metrics::serve);
        config.routes.exception(
                WorkerError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.field(), e.headers()));
        config.routes.exception(
                HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), describe(e), field(e), Map.of()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error", null, Map.of());
        });
        config.routes.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) != null) {
                return;
            }
            error(ctx, 404, "no route " + ctx.method() + " " + ctx.path(), null, Map.of());
        });
        config.routes.error(
                405,
                ctx -> error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path(), null, Map.of()));
        JsonErrorPages.install(config, (status, message, field) -> Json.write(errorBody(message, field)));
        metrics.installHttpMetrics(config);
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", executor.isShuttingDown() ? "shutting-down" : "healthy");
        body.put("timestamp", clock.instant());
        body.put("running", executor.running());
        body.put("queued", executor.queued());
        ctx.status(executor.isShuttingDown() ? 503 : 200).json(body);
    }

    /** One request object (202, or its error), or a batch: an array of them, answered 200 with one result per item. */
    private void process(Context ctx) {
        authenticator.authenticate(ctx.body(), ctx::header);
        requireJson(ctx);
        JsonNode body = ProcessHandler.parseBody(strictBody(ctx));
        if (body.isArray()) {
            ctx.status(200).json(processHandler.admitAll(body));
            return;
        }
        String jobId = processHandler.admit(body);
        ctx.status(202).json(Map.of("status", "accepted", "jobId", jobId));
    }

    private void job(Context ctx) {
        authenticator.authenticateRead(ctx::header);
        ctx.json(find(ctx).view());
    }

    private void cancel(Context ctx) {
        authenticator.authenticate(ctx.body(), ctx::header);
        String jobId = jobId(ctx);
        Cancellation cancellation =
                executor.cancel(jobId, CancelRequest.parse(ctx.body()).attempt());
        if (cancellation instanceof Cancellation.Ended ended && ended.cancelledNow()) {
            ctx.json(Map.of("jobId", jobId, "state", ended.job().state()));
        } else if (cancellation instanceof Cancellation.Ended ended) {
            // as the API answers: a job that has ended cannot be cancelled
            ctx.status(409)
                    .json(Map.of(
                            "jobId",
                            jobId,
                            "state",
                            ended.job().state(),
                            "error",
                            "job " + jobId + " is already "
                                    + ended.job().state().wireName()));
        } else if (cancellation instanceof Cancellation.Refused refused) {
            throw new WorkerError(
                    429,
                    "too many cancels are waiting for their jobs (RESULT_RETENTION_MAX); retry later",
                    null,
                    Map.of("Retry-After", Long.toString(refused.retryAfter().toSeconds())));
        } else {
            ctx.status(202).json(Map.of("jobId", jobId, "status", "cancelled"));
        }
    }

    private WorkerJob find(Context ctx) {
        String jobId = jobId(ctx);
        return executor.find(jobId).orElseThrow(() -> unknown(jobId));
    }

    private static String jobId(Context ctx) {
        String jobId = ctx.pathParam("jobId");
        ProcessHandler.checkJobId(jobId);
        return jobId;
    }

    private static WorkerError unknown(String jobId) {
        return new WorkerError(404, "job '" + jobId + "' is unknown to this worker", "jobId");
    }

    private static void requireJson(Context ctx) {
        if (!Json.isJsonContentType(ctx.contentType())) {
            throw new WorkerError(415, "Content-Type must be application/json (in UTF-8)", "Content-Type");
        }
    }

    /**
     * The body decoded strictly: Javalin's lenient decoding (used for the signature, which only text
     * a sender signed can match) would turn malformed UTF-8 into replacement characters and run the job.
     */
    private static String strictBody(Context ctx) {
        try {
            return Json.decodeUtf8(ctx.bodyAsBytes());
        } catch (Json.InvalidJsonException e) {
            throw new WorkerError(400, e.getMessage(), "body");
        }
    }

    private static String field(HttpResponseException e) {
        return e.getStatus() == 413 ? "body" : null;
    }

    private static String describe(HttpResponseException e) {
        return e.getStatus() == 413 ? "request body is larger than the limit" : e.getMessage();
    }

    private static void error(Context ctx, int status, String message, String field, Map<String, String> headers) {
        headers.forEach(ctx::header);
        ctx.attribute(ERROR_WRITTEN, true);
        ctx.status(status).json(errorBody(message, field));
    }

    private static Map<String, Object> errorBody(String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return body;
    }
}
