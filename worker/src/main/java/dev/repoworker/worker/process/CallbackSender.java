package dev.repoworker.worker.process;

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
    // receivers that refused an array: never sent one again, though they keep sending arrays of jobs
    private final Set<String> refusedArrays = ConcurrentHashMap.newKeySet();
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
        FinalCallback item = new FinalCallback(
                url,
                Json.write(callback),
                callback.jobId(),
                callback.attempt() == null ? null : callback.attempt().toString(),
                delivery,
                clock.instant().plus(retryWindow));
        if (stillTakesArrays(url)) {
            batches.computeIfAbsent(url, u -> new CallbackBatches(u, this, scheduler))
                    .add(item);
        } else {
            scheduler.execute(() -> sendAlone(item));
        }
    }

    /**
     * {@code url}'s receiver sent jobs in an array (this API's own form), so it takes its callbacks in arrays too:
     * final callbacks that wait while one request to it is in flight go together in the next one.
     */
    public void takesArrays(String url) {
        arrayReceivers.add(url);
    }

    boolean stillTakesArrays(String url) {
        return arrayReceivers.contains(url) && !refusedArrays.contains(url);
    }

    /** {@code url}'s receiver refused an array: it gets each callback alone from now on. */
    void sendsAloneFromNowOn(String url) {
        refusedArrays.add(url);
    }

    /** Starts delivering a final callback in a request of its own. */
    CompletableFuture<?> sendAlone(FinalCallback item) {
        return withMdc(item.jobId(), item.attempt(), () -> attempt(item, 0));
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
    private CompletableFuture<?> attempt(FinalCallback item, int retry) {
        HttpRequest request;
        try {
            request = checkedRequest(item.url(), item.body());
        } catch (NetworkPolicy.RefusedHost e) {
            if (e.refusal() == NetworkPolicy.Refusal.UNRESOLVABLE) {
                outcome(item, retry, null, e);
            } else {
                refused(item.jobId(), item.delivery(), "callbackUrl " + e.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            outcome(item, retry, null, e);
            return CompletableFuture.completedFuture(null);
        }
        return send(request).whenComplete((response, error) -> outcome(item, retry, response, error));
    }

    /** What one attempt's response, or its failure when none came, means for the delivery. */
    void outcome(FinalCallback item, int retry, HttpResponse<String> response, Throwable failure) {
        if (response != null) {
            Duration retryAfter = RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                    .orElse(null);
            settle(item, retry, response.statusCode(), retryAfter, "HTTP " + response.statusCode());
        } else {
            Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            settle(
                    item,
                    retry,
                    null,
                    null,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** What one attempt's answer ({@code status}, null when none came) means for the delivery. */
    void settle(FinalCallback item, int retry, Integer status, Duration retryAfter, String error) {
        Delivery delivery = item.delivery();
        if (status != null) {
            // 409: the receiver already has this very message (its webhook-id), e.g. a proxy sent it twice;
            // our own retries carry a new id. Either way the callback arrived: delivered, never retried.
            if (status / 100 == 2 || status == 409) {
                delivery.attempted(clock.instant(), status, null);
                delivery.delivered();
                metrics.delivery("delivered");
                LOG.debug("callback for job {} delivered (HTTP {}, attempt {})", item.jobId(), status, retry + 1);
                return;
            }
            if (status / 100 == 3) {
                delivery.attempted(clock.instant(), status, "HTTP " + status);
                refused(
                        item.jobId(),
                        delivery,
                        "redirected with HTTP " + status + "; callbacks never follow redirects");
                return;
            }
        }
        delivery.attempted(clock.instant(), status, error);
        if (status != null && refusedForGood(status)) {
            LOG.warn("callback for job {} refused with HTTP {}; not retrying", item.jobId(), status);
            delivery.gaveUp("refused with HTTP " + status);
            metrics.delivery("refused");
            return;
        }
        retryOrGiveUp(item, retry, retryAfter, error);
    }

    /** A 4xx other than 408 (timeout) and 429 (too many requests): a retry would be refused too. */
    static boolean refusedForGood(int status) {
        return status / 100 == 4 && status != 408 && status != 429;
    }

    /** Schedules the next attempt after the backoff, or gives up when it would fall after the retry window. */
    private void retryOrGiveUp(FinalCallback item, int retry, Duration retryAfter, String error) {
        Delivery delivery = item.delivery();
        Duration delay = backoff.delay(retry, retryAfter, LONGEST_RETRY_AFTER);
        Instant next = clock.instant().plus(delay);
        if (next.isAfter(item.giveUpAt()) || scheduler.isShutdown()) {
            LOG.warn("callback for job {} not delivered after {} attempts: {}", item.jobId(), retry + 1, error);
            delivery.gaveUp("not delivered after " + (retry + 1) + " attempts: " + error);
            metrics.delivery("gave_up");
            return;
        }
        LOG.info(
                "callback for job {} failed ({}); retry {} in {} ms", item.jobId(), error, retry + 1, delay.toMillis());
        delivery.retryAt(next);
        metrics.retry();
        String attemptNumber = MDC.get("attempt");
        try {
            scheduler.schedule(
                    () -> withMdc(item.jobId(), attemptNumber, () -> attempt(item, retry + 1)),
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

    /** The signed request, once the URL's host has been checked again. */
    HttpRequest checkedRequest(String url, String body) throws NetworkPolicy.RefusedHost {
        policy.checkAgain(url);
        return request(url, body);
    }

    CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
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
