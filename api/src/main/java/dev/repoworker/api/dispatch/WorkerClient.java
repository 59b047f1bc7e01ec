package dev.repoworker.api.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.protocol.RetryAfter;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Authenticated HTTP calls from the API to a Worker: process, status and cancel. Each request carries what
 * {@link WorkerAuth} says: the Standard Webhooks signature headers, {@code Authorization: Bearer <secret>}, or both.
 */
public final class WorkerClient {

    private final HttpClient http;
    private final Signatures signatures;
    private final WorkerAuth auth;
    private final Duration timeout;
    private final Clock clock;
    private final Set<String> singleOnly = ConcurrentHashMap.newKeySet();

    public WorkerClient(Signatures signatures, WorkerAuth auth, Duration timeout, Clock clock) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.signatures = signatures;
        this.auth = auth;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Sends several jobs to one Worker: one request with an array body (one signature, one answer per job) when
     * there are several and the Worker takes arrays; a Worker that refuses the array form (the original Worker)
     * gets them one by one from then on. Only our Worker takes arrays, and it signs its callbacks: the array form
     * carries the plain callback URL, without the jobs' callback tokens, so that Worker can send the callbacks of
     * many jobs to one URL in one request.
     */
    List<DispatchOutcome> processAll(String workerUrl, List<ProcessRequest> requests, Duration within) {
        if (requests.size() == 1 || singleOnly.contains(workerUrl)) {
            return requests.stream().map(r -> process(workerUrl, r, within)).toList();
        }
        List<ProcessRequest> signingWorker = requests.stream()
                .map(r -> new ProcessRequest(
                        r.jobId(), r.task(), CallbackTokens.withoutToken(r.callbackUrl()), r.data(), r.attempt()))
                .toList();
        HttpResponse<String> response;
        try {
            response = send(authenticated(workerUrl + "/process", "POST", Json.write(signingWorker), within));
        } catch (IOException e) {
            return same(requests, failed(e));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                JsonNode answers = Json.mapper().readTree(response.body());
                if (answers.isArray() && answers.size() == requests.size()) {
                    List<DispatchOutcome> outcomes = new ArrayList<>();
                    answers.forEach(answer -> outcomes.add(itemOutcome(answer)));
                    return outcomes;
                }
            } catch (IOException | RuntimeException notAnArray) {
                // a 2xx that is not one answer per job: the Worker says it took the request
            }
            return same(requests, new DispatchOutcome.Accepted());
        }
        DispatchOutcome whole = outcomeOf(status, retryAfter(response), () -> message(response));
        if (!(whole instanceof DispatchOutcome.Rejected) || status == 401 || status == 403 || status == 409) {
            return same(requests, whole);
        }
        // a Worker that refuses the array form (the original Worker): one by one from now on
        singleOnly.add(workerUrl);
        return requests.stream().map(r -> process(workerUrl, r, within)).toList();
    }

    private static List<DispatchOutcome> same(List<ProcessRequest> requests, DispatchOutcome outcome) {
        return requests.stream().map(r -> outcome).toList();
    }

    private static DispatchOutcome itemOutcome(JsonNode answer) {
        int code = "accepted".equals(answer.path("status").asText())
                ? 202
                : answer.path("code").asInt(500);
        return outcomeOf(code, null, () -> answer.path("message").asText("worker answered " + code));
    }

    /**
     * What a Worker's answer {@code status} to one job means; {@code message} is read only for a refusal. Any 2xx
     * is an acceptance: ours answers 202, the original Worker 200.
     */
    private static DispatchOutcome outcomeOf(int status, Duration retryAfter, Supplier<String> message) {
        if (status >= 200 && status < 300) {
            return new DispatchOutcome.Accepted();
        }
        if (status == 429 || status == 503) {
            return new DispatchOutcome.Busy(status, retryAfter);
        }
        if (status == 408 || status >= 500) {
            return new DispatchOutcome.Unreachable("worker answered " + status);
        }
        return new DispatchOutcome.Rejected(status, message.get());
    }

    DispatchOutcome process(String workerUrl, ProcessRequest request, Duration within) {
        HttpResponse<String> response;
        try {
            response = send(authenticated(workerUrl + "/process", "POST", Json.write(request), within));
        } catch (IOException e) {
            return failed(e);
        }
        return outcomeOf(response.statusCode(), retryAfter(response), () -> message(response));
    }

    WorkerJobState status(String workerUrl, String jobId) {
        HttpResponse<String> response;
        try {
            response = send(authenticated(workerUrl + "/jobs/" + jobId, "GET", ""));
        } catch (IOException e) {
            return WorkerJobState.unreachable(describe(e));
        }
        if (response.statusCode() == 404) {
            return WorkerJobState.notFound();
        }
        if (response.statusCode() != 200) {
            return WorkerJobState.unreachable("worker answered " + response.statusCode());
        }
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            JsonNode callback = body.path("callback");
            return new WorkerJobState(
                    WorkerJobState.Kind.FOUND,
                    body.path("state").asText(null),
                    body.hasNonNull("attempt") ? body.get("attempt").asInt() : null,
                    callback.isObject() ? Json.mapper().treeToValue(callback, Callback.class) : null,
                    null);
        } catch (IOException | IllegalArgumentException e) {
            return WorkerJobState.unreachable("worker sent an unreadable job state: " + e.getMessage());
        }
    }

    /**
     * Asks the Worker to stop a job's attempts up to {@code attempt}; true when it took the request, had already
     * ended the job (409), or did not know it (a Worker of this version then refuses to run that attempt if its
     * request arrives later).
     */
    public boolean cancel(String workerUrl, String jobId, int attempt) {
        try {
            int status = send(authenticated(
                            workerUrl + "/jobs/" + jobId + "/cancel", "POST", "{\"attempt\":" + attempt + "}"))
                    .statusCode();
            return status < 300 || status == 404 || status == 409;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpRequest authenticated(String url, String method, String body) {
        return authenticated(url, method, body, timeout);
    }

    private HttpRequest authenticated(String url, String method, String body, Duration within) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(within.compareTo(timeout) < 0 ? within : timeout)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        if (auth.signs()) {
            signatures.headersFor(body).forEach(builder::header);
        }
        if (auth.sendsBearer()) {
            builder.header("Authorization", "Bearer " + signatures.bearerToken());
        }
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private Duration retryAfter(HttpResponse<String> response) {
        return RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                .orElse(null);
    }

    private static String message(HttpResponse<String> response) {
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            if (body.hasNonNull("message")) {
                return body.get("message").asText();
            }
            if (body.path("error").hasNonNull("message")) {
                return body.path("error").get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through to the status line
        }
        return "worker answered " + response.statusCode();
    }

    /** A request that never reached the Worker is unreachable; one that may have reached it is unanswered. */
    private static DispatchOutcome failed(IOException e) {
        boolean neverSent = e instanceof java.net.ConnectException
                || e instanceof java.net.http.HttpConnectTimeoutException
                || e instanceof java.net.UnknownHostException
                || e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                || e.getCause() instanceof java.net.ConnectException;
        return neverSent ? new DispatchOutcome.Unreachable(describe(e)) : new DispatchOutcome.Unanswered(describe(e));
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
