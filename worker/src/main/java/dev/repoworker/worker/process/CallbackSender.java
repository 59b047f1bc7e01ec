package dev.repoworker.worker.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.RetryAfter;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.net.NetworkPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Signed POSTs of callbacks, each attempt with a new {@code webhook-id}. Final callbacks are retried with
 * exponential backoff and jitter until delivered (2xx, or 409: the receiver already has that message),
 * refused for good (another 4xx other than 408/429), or the retry window has passed.
 * Progress callbacks are sent once, best effort. Before every attempt the URL's host is checked again
 * ({@link CallbackUrlPolicy#checkAgain}: DNS may have changed since admission); a refused host ends the
 * delivery, an unresolvable one is retried. Redirects are never followed: a 3xx ends the delivery.
 */
public final class CallbackSender {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_BATCH = 100;
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(5);

    private final HttpClient http;
    private final CallbackUrlPolicy policy;
    private final Optional<Signatures> signatures;
    private final ScheduledExecutorService scheduler;
    private final Duration retryWindow;
    private final Backoff backoff;
    private final Clock clock;
    private WorkerMetrics metrics = WorkerMetrics.none();
    private final Set<String> arrayReceivers = ConcurrentHashMap.newKeySet();
    private final Map<String, CallbackBatches> batches = new ConcurrentHashMap<>();

    public CallbackSender(
            CallbackUrlPolicy policy,
            Optional<Signatures> signatures,
            ScheduledExecutorService scheduler,
            Duration retryWindow,
            Clock clock) {
        this(policy, signatures, scheduler, retryWindow, Duration.ofMillis(500), Duration.ofMinutes(1), clock);
    }

    public CallbackSender(
            CallbackUrlPolicy policy,
            Optional<Signatures> signatures,
            ScheduledExecutorService scheduler,
            Duration retryWindow,
            Clock clock,
            WorkerMetrics metrics) {
        this(policy, signatures, scheduler, retryWindow, clock);
        this.metrics = metrics;
    }

    CallbackSender(
            CallbackUrlPolicy policy,
            Optional<Signatures> signatures,
            ScheduledExecutorService scheduler,
            Duration retryWindow,
            Duration firstDelay,
            Duration maxDelay,
            Clock clock) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.policy = policy;
        this.signatures = signatures;
        this.scheduler = scheduler;
        this.retryWindow = retryWindow;
        this.backoff = new Backoff(firstDelay, maxDelay);
        this.clock = clock;
    }

    /** Starts delivering a final callback; {@code delivery} records every attempt and the outcome. */
    public void deliver(String url, Callback callback, Delivery delivery) {
        Final item = new Final(
                url,
                Json.write(callback),
                callback.jobId(),
                callback.attempt() == null ? null : callback.attempt().toString(),
                delivery,
                clock.instant().plus(retryWindow));
        if (arrayReceivers.contains(url)) {
            batches.computeIfAbsent(url, CallbackBatches::new).add(item);
        } else {
            scheduler.execute(() -> first(item));
        }
    }

    /**
     * {@code url}'s receiver sent jobs in an array (this API's own form), so it takes its callbacks in arrays too:
     * final callbacks that wait while one request to it is in flight go together in the next one.
     */
    public void takesArrays(String url) {
        arrayReceivers.add(url);
    }

    /** A final callback on its way. */
    private record Final(String url, String body, String jobId, String attempt, Delivery delivery, Instant giveUpAt) {}

    private CompletableFuture<?> first(Final item) {
        return withMdc(
                item.jobId(),
                item.attempt(),
                () -> attempt(item.url(), item.body(), item.jobId(), item.delivery(), item.giveUpAt(), 0));
    }

    /**
     * The final callbacks to one receiver that takes arrays: one request in flight at a time; what arrives
     * meanwhile goes in the next request, up to {@link #MAX_BATCH}, one signature, one answer per callback.
     * A failed request hands each callback to its own retries; a receiver that refuses the array form gets
     * each callback alone from then on.
     */
    private final class CallbackBatches {
        private final String url;
        private final ArrayDeque<Final> waiting = new ArrayDeque<>();
        private boolean sending;

        CallbackBatches(String url) {
            this.url = url;
        }

        void add(Final item) {
            synchronized (this) {
                waiting.add(item);
                if (sending) {
                    return;
                }
                sending = true;
            }
            scheduler.execute(this::sendNext);
        }

        private void sendNext() {
            List<Final> batch = new ArrayList<>();
            synchronized (this) {
                while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(waiting.poll());
                }
                if (batch.isEmpty()) {
                    sending = false;
                    return;
                }
            }
            CompletableFuture<?> sent = batch.size() > 1 && arrayReceivers.contains(url)
                    ? sendArray(batch)
                    : CompletableFuture.allOf(
                            batch.stream().map(CallbackSender.this::first).toArray(CompletableFuture[]::new));
            sent.whenComplete((ignored, error) -> {
                try {
                    scheduler.execute(this::sendNext);
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    synchronized (this) {
                        sending = false;
                    }
                }
            });
        }

        private CompletableFuture<?> sendArray(List<Final> batch) {
            HttpRequest request;
            try {
                policy.checkAgain(url);
                request = request(
                        url,
                        "[" + String.join(",", batch.stream().map(Final::body).toList()) + "]");
            } catch (NetworkPolicy.RefusedHost | RuntimeException e) {
                // each callback meets the refusal (or the retry) on its own path
                return CompletableFuture.allOf(
                        batch.stream().map(CallbackSender.this::first).toArray(CompletableFuture[]::new));
            }
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
                answered(batch, response, failure);
                return null;
            });
        }

        private void answered(List<Final> batch, HttpResponse<String> response, Throwable failure) {
            List<JsonNode> answers = response == null || response.statusCode() != 200
                    ? null
                    : itemAnswers(response.body(), batch.size());
            if (answers != null) {
                for (int i = 0; i < batch.size(); i++) {
                    JsonNode answer = answers.get(i);
                    Final item = batch.get(i);
                    int status = "accepted".equals(answer.path("status").asText())
                            ? 200
                            : answer.path("code").asInt(500);
                    settle(
                            item.url(),
                            item.body(),
                            item.jobId(),
                            item.delivery(),
                            item.giveUpAt(),
                            0,
                            status,
                            null,
                            status == 200
                                    ? null
                                    : "HTTP " + status + ": "
                                            + answer.path("message").asText(""));
                }
                return;
            }
            if (response != null
                    && response.statusCode() / 100 == 4
                    && response.statusCode() != 408
                    && response.statusCode() != 429) {
                LOG.info(
                        "the receiver at {} refused a batch of callbacks (HTTP {}); sending them one by one from now on",
                        url,
                        response.statusCode());
                arrayReceivers.remove(url);
                batch.forEach(CallbackSender.this::first);
                return;
            }
            // the request failed as a whole (a 5xx, 408, 429, no answer, or a 200 that is not one answer per
            // callback): each callback is retried on its own
            boolean unreadable = response != null && response.statusCode() == 200;
            Throwable why = unreadable
                    ? new java.io.IOException("the answer to a batch of callbacks is not one answer per callback")
                    : failure;
            for (Final item : batch) {
                outcome(
                        item.url(),
                        item.body(),
                        item.jobId(),
                        item.delivery(),
                        item.giveUpAt(),
                        0,
                        unreadable ? null : response,
                        why);
            }
        }
    }

    private static List<JsonNode> itemAnswers(String body, int expected) {
        try {
            JsonNode answers = Json.mapper().readTree(body);
            if (answers.isArray() && answers.size() == expected) {
                List<JsonNode> list = new ArrayList<>();
                answers.forEach(list::add);
                return list;
            }
        } catch (java.io.IOException | RuntimeException notAnArray) {
            // fall through
        }
        return null;
    }

    /** One best-effort attempt; progress is informational and never retried. */
    public void sendProgress(String url, Callback progress) {
        try {
            policy.checkAgain(url);
        } catch (NetworkPolicy.RefusedHost e) {
            LOG.debug("progress callback for {} not sent: {}", progress.jobId(), e.getMessage());
            return;
        }
        String body = Json.write(progress);
        http.sendAsync(request(url, body), HttpResponse.BodyHandlers.discarding())
                .exceptionally(e -> {
                    LOG.debug("progress callback for {} not delivered: {}", progress.jobId(), e.toString());
                    return null;
                });
    }

    private static <T> T withMdc(String jobId, String attempt, Supplier<T> action) {
        MDC.put("jobId", jobId);
        if (attempt != null) {
            MDC.put("attempt", attempt);
        }
        try {
            return action.get();
        } finally {
            MDC.remove("jobId");
            MDC.remove("attempt");
        }
    }

    /**
     * One delivery attempt, sent asynchronously: a slow callback receiver never holds a scheduler
     * thread, so many final callbacks can be in flight at once (the HTTP client keeps connections alive).
     */
    private CompletableFuture<?> attempt(
            String url, String body, String jobId, Delivery delivery, Instant giveUpAt, int retry) {
        HttpRequest request;
        try {
            policy.checkAgain(url);
            request = request(url, body);
        } catch (NetworkPolicy.RefusedHost e) {
            if (e.refusal() == NetworkPolicy.Refusal.UNRESOLVABLE) {
                outcome(url, body, jobId, delivery, giveUpAt, retry, null, e);
            } else {
                refused(jobId, delivery, "callbackUrl " + e.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            outcome(url, body, jobId, delivery, giveUpAt, retry, null, e);
            return CompletableFuture.completedFuture(null);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                        (response, error) -> outcome(url, body, jobId, delivery, giveUpAt, retry, response, error));
    }

    private void outcome(
            String url,
            String body,
            String jobId,
            Delivery delivery,
            Instant giveUpAt,
            int retry,
            HttpResponse<String> response,
            Throwable failure) {
        if (response != null) {
            Duration retryAfter = RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                    .orElse(null);
            settle(
                    url,
                    body,
                    jobId,
                    delivery,
                    giveUpAt,
                    retry,
                    response.statusCode(),
                    retryAfter,
                    "HTTP " + response.statusCode());
        } else {
            Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            settle(
                    url,
                    body,
                    jobId,
                    delivery,
                    giveUpAt,
                    retry,
                    null,
                    null,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** What one attempt's answer ({@code status}, null when none came) means for the delivery. */
    private void settle(
            String url,
            String body,
            String jobId,
            Delivery delivery,
            Instant giveUpAt,
            int retry,
            Integer status,
            Duration retryAfter,
            String error) {
        if (status != null) {
            // 409: the receiver already has this very message (its webhook-id), e.g. a proxy sent it twice;
            // our own retries carry a new id. Either way the callback arrived: delivered, never retried.
            if (status / 100 == 2 || status == 409) {
                delivery.attempted(clock.instant(), status, null);
                delivery.delivered();
                metrics.delivery("delivered");
                LOG.debug("callback for job {} delivered (HTTP {}, attempt {})", jobId, status, retry + 1);
                return;
            }
            if (status / 100 == 3) {
                delivery.attempted(clock.instant(), status, "HTTP " + status);
                refused(jobId, delivery, "redirected with HTTP " + status + "; callbacks never follow redirects");
                return;
            }
        }
        delivery.attempted(clock.instant(), status, error);
        if (status != null && status / 100 == 4 && status != 408 && status != 429) {
            LOG.warn("callback for job {} refused with HTTP {}; not retrying", jobId, status);
            delivery.gaveUp("refused with HTTP " + status);
            metrics.delivery("refused");
            return;
        }
        Duration delay = backoff.delay(retry, retryAfter, LONGEST_RETRY_AFTER);
        Instant next = clock.instant().plus(delay);
        if (next.isAfter(giveUpAt) || scheduler.isShutdown()) {
            LOG.warn("callback for job {} not delivered after {} attempts: {}", jobId, retry + 1, error);
            delivery.gaveUp("not delivered after " + (retry + 1) + " attempts: " + error);
            metrics.delivery("gave_up");
            return;
        }
        LOG.info("callback for job {} failed ({}); retry {} in {} ms", jobId, error, retry + 1, delay.toMillis());
        delivery.retryAt(next);
        metrics.retry();
        String attemptNumber = MDC.get("attempt");
        try {
            scheduler.schedule(
                    () -> withMdc(jobId, attemptNumber, () -> attempt(url, body, jobId, delivery, giveUpAt, retry + 1)),
                    delay.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            delivery.gaveUp("not delivered after " + (retry + 1) + " attempts: " + error + " (worker shutting down)");
        }
    }

    /** Ends a delivery that no retry can mend. */
    private void refused(String jobId, Delivery delivery, String why) {
        LOG.warn("callback for job {} not delivered: {}", jobId, why);
        delivery.gaveUp(why);
        metrics.delivery("refused");
    }

    private HttpRequest request(String url, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signatures.ifPresent(s -> s.headersFor(body).forEach(builder::header));
        return builder.build();
    }
}
