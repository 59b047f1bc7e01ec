package dev.repoworker.api.deploy;

import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.RetryAfter;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.net.NetworkPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deployment webhooks, each signed per Standard Webhooks with its subscriber's own secret. An attempt
 * holds the row's lease, so no two replicas send one row at once; a replica that dies mid-send leaves a lease that
 * runs out, and the row is sent again (same {@code webhook-id}). Retried with the shared {@link Backoff} until a
 * 2xx, a 4xx other than 408/429, a refused address, or the retry window since the event has passed.
 */
public final class WebhookSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Longer than one attempt can take (connect + answer), so a lease never runs out under a live send. */
    private static final Duration LEASE = TIMEOUT.multipliedBy(3);

    private static final int BATCH = 20;
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);
    private static final int MAX_ERROR = 500;

    private final Deliveries deliveries;
    private final Subscribers subscribers;
    private final SubscriberPolicy policy;
    private final Backoff retry;
    private final Duration retryWindow;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public WebhookSender(
            dev.repoworker.api.job.Database database,
            Subscribers subscribers,
            SubscriberPolicy policy,
            Backoff retry,
            Duration retryWindow,
            Clock clock) {
        this.deliveries = new Deliveries(database);
        this.subscribers = subscribers;
        this.policy = policy;
        this.retry = retry;
        this.retryWindow = retryWindow;
        this.clock = clock;
    }

    /** One tick: every due row this replica can claim, one attempt each. */
    public void sendDue() {
        Instant now = clock.instant();
        List<String> due = deliveries.due(now, BATCH);
        for (String id : due) {
            deliveries.claim(id, owner, now, now.plus(LEASE)).ifPresent(this::attempt);
        }
    }

    private void attempt(Delivery delivery) {
        int attempts = delivery.attempts() + 1;
        Outcome outcome = send(delivery);
        Instant now = clock.instant();
        if (outcome.delivered()) {
            deliveries.record(delivery.id(), owner, Delivery.State.DELIVERED, attempts, null, now, now);
            return;
        }
        Instant next = now.plus(retry.delay(attempts - 1, outcome.retryAfter(), LONGEST_RETRY_AFTER));
        boolean giveUp = outcome.final_() || next.isAfter(delivery.createdAt().plus(retryWindow));
        if (giveUp) {
            LOG.warn(
                    "deployment webhook {} of job {} to {} not delivered after {} attempt(s): {}",
                    delivery.event(),
                    delivery.jobId(),
                    delivery.subscriber(),
                    attempts,
                    outcome.error());
        }
        deliveries.record(
                delivery.id(),
                owner,
                giveUp ? Delivery.State.FAILED : Delivery.State.PENDING,
                attempts,
                outcome.error(),
                next,
                null);
    }

    private Outcome send(Delivery delivery) {
        String secret = subscribers.secrets(delivery.projectId()).get(delivery.subscriber());
        if (secret == null) {
            return Outcome.refused("the project no longer has this webhook");
        }
        URI url = URI.create(delivery.subscriber());
        try {
            policy.checkBeforeSend(url);
        } catch (NetworkPolicy.RefusedHost e) {
            return e.refusal() == NetworkPolicy.Refusal.UNRESOLVABLE
                    ? Outcome.retry(e.getMessage(), null)
                    : Outcome.refused(e.getMessage());
        }
        long timestamp = clock.instant().getEpochSecond();
        String signature;
        try {
            signature = Signatures.of(List.of(secret)).sign(delivery.id(), timestamp, delivery.payload());
        } catch (IllegalArgumentException e) {
            return Outcome.refused("the webhook's secret cannot sign: " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header(Signatures.ID_HEADER, delivery.id())
                .header(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(Signatures.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Outcome(true, false, null, null);
            }
            String error = "the subscriber answered " + status;
            return status / 100 == 4 && status != 408 && status != 429
                    ? Outcome.refused(error)
                    : Outcome.retry(
                            error,
                            RetryAfter.parse(
                                            response.headers()
                                                    .firstValue("Retry-After")
                                                    .orElse(null),
                                            clock.instant())
                                    .orElse(null));
        } catch (IOException e) {
            return Outcome.retry(
                    "no answer: "
                            + Optional.ofNullable(e.getMessage())
                                    .orElse(e.getClass().getSimpleName()),
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry("interrupted", null);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private record Outcome(boolean delivered, boolean final_, String error, Duration retryAfter) {
        Outcome {
            error = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        }

        static Outcome refused(String error) {
            return new Outcome(false, true, error, null);
        }

        static Outcome retry(String error, Duration retryAfter) {
            return new Outcome(false, false, error, retryAfter);
        }
    }
}
