package dev.repoworker.worker.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.ItemResult;
import dev.repoworker.protocol.JobIds;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.worker.WorkerError;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ParsedTask;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskRegistry;
import dev.repoworker.worker.task.UnknownTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Admission of {@code POST /process}: body checks in the order the contract gives, then the executor.
 * A batch (a JSON array of requests) goes through the same admission, item by item.
 */
public final class ProcessHandler {

    public static final Pattern JOB_ID = JobIds.PATTERN;
    public static final int MAX_BATCH = 100;

    private final TaskRegistry tasks;
    private final CallbackUrlPolicy callbackUrls;
    private final JobExecutor executor;

    public ProcessHandler(TaskRegistry tasks, CallbackUrlPolicy callbackUrls, JobExecutor executor) {
        this.tasks = tasks;
        this.callbackUrls = callbackUrls;
        this.executor = executor;
    }

    /** Admits the job or throws a {@link WorkerError}; returns the accepted job id. */
    public String admit(String body) {
        return admit(parseBody(body));
    }

    /** Admits one request object (the single form's whole body, or a batch's item); as {@link #admit(String)}. */
    public String admit(JsonNode body) {
        ProcessRequest request = parse(body);
        String jobId = required(request.jobId(), "jobId");
        checkJobId(jobId);
        String taskName = required(request.task(), "task");
        String callbackUrl = required(request.callbackUrl(), "callbackUrl");
        if (request.attempt() != null && request.attempt() < 1) {
            throw new WorkerError(400, "attempt must be 1 or more", "attempt");
        }
        ParsedTask<?> task;
        try {
            task = tasks.resolve(taskName).admit(new TaskData(request.data()));
        } catch (UnknownTaskException e) {
            throw new WorkerError(400, e.getMessage(), "task");
        } catch (InvalidTaskDataException e) {
            throw new WorkerError(400, e.getMessage(), e.field());
        }
        callbackUrls.check(callbackUrl);
        Admission admission = executor.admit(request, task);
        return switch (admission) {
            case ACCEPTED, DUPLICATE, CANCELLED -> jobId;
            case QUEUE_FULL ->
                throw new WorkerError(429, "the worker's queue is full; retry later", null, Map.of("Retry-After", "5"));
            case RETENTION_FULL ->
                throw new WorkerError(
                        429,
                        "the worker keeps as many runs as it may (RESULT_RETENTION_MAX) "
                                + "and none is delivered yet; retry later",
                        null,
                        Map.of("Retry-After", "5"));
            case SHUTTING_DOWN ->
                throw new WorkerError(503, "the worker is shutting down", null, Map.of("Retry-After", "5"));
        };
    }

    /**
     * Admits each request of a batch in order, independently: one answer per item, in request order.
     *
     * @throws WorkerError 400 when the batch is empty or holds more than {@link #MAX_BATCH} requests
     */
    public List<ItemResult> admitAll(JsonNode batch) {
        if (batch.isEmpty() || batch.size() > MAX_BATCH) {
            throw new WorkerError(400, "a batch holds 1 to " + MAX_BATCH + " requests, got " + batch.size(), "body");
        }
        List<ItemResult> results = new ArrayList<>(batch.size());
        for (JsonNode item : batch) {
            try {
                results.add(ItemResult.accepted(admit(item)));
                // a sender of arrays takes its callbacks in arrays too
                executor.receiverTakesArrays(item.get("callbackUrl").asText());
            } catch (WorkerError e) {
                results.add(ItemResult.error(jobIdOf(item), e.status(), e.getMessage(), e.field()));
            }
        }
        return results;
    }

    /** The body as JSON: one request object, or an array of them (a batch). */
    public static JsonNode parseBody(String body) {
        try {
            return Json.parseUntrusted(body);
        } catch (Json.InvalidJsonException e) {
            throw new WorkerError(400, e.getMessage(), e.field() == null ? "body" : e.field());
        }
    }

    private static String jobIdOf(JsonNode item) {
        JsonNode jobId = item.get("jobId");
        return jobId != null && jobId.isTextual() ? jobId.asText() : null;
    }

    public static void checkJobId(String jobId) {
        if (!JobIds.isValid(jobId)) {
            throw new WorkerError(400, "jobId " + JobIds.RULE, "jobId");
        }
    }

    private static ProcessRequest parse(JsonNode tree) {
        if (!tree.isObject()) {
            throw new WorkerError(
                    400,
                    "a request must be a JSON object {jobId, task, callbackUrl, data} " + "(a batch: an array of 1 to "
                            + MAX_BATCH + " of them)",
                    "body");
        }
        for (String field : new String[] {"jobId", "task", "callbackUrl"}) {
            JsonNode value = tree.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                throw new WorkerError(400, field + " must be a string", field);
            }
        }
        JsonNode data = tree.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new WorkerError(400, "data must be a JSON object", "data");
        }
        JsonNode attempt = tree.get("attempt");
        if (attempt != null && !attempt.isNull() && !(attempt.isIntegralNumber() && attempt.canConvertToInt())) {
            throw new WorkerError(400, "attempt must be a whole number", "attempt");
        }
        try {
            return Json.mapper().treeToValue(tree, ProcessRequest.class);
        } catch (JsonProcessingException e) {
            // the parser's message names Java types: say it in our words
            throw new WorkerError(400, "body does not match {jobId, task, callbackUrl, data, attempt}", "body");
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new WorkerError(400, field + " is required", field);
        }
        return value;
    }
}
