package dev.repoworker.worker.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.net.NetworkPolicy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final callbacks to one receiver that takes arrays: one request in flight at a time; what arrives
 * meanwhile goes in the next request, up to {@link #MAX_BATCH}, one signature, one answer per callback.
 * A failed request hands each callback to its own retries; a receiver that refuses the array form gets
 * each callback alone from then on.
 */
final class CallbackBatches {

    // logs under the sender's name, where operators already look for callback delivery
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    private static final int MAX_BATCH = 100;

    private final String url;
    private final CallbackSender sender;
    private final ScheduledExecutorService scheduler;
    private final ArrayDeque<FinalCallback> waiting = new ArrayDeque<>();
    private boolean sending;

    CallbackBatches(String url, CallbackSender sender, ScheduledExecutorService scheduler) {
        this.url = url;
        this.sender = sender;
        this.scheduler = scheduler;
    }

    void add(FinalCallback item) {
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
        List<FinalCallback> batch = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(waiting.poll());
            }
            if (batch.isEmpty()) {
                sending = false;
                return;
            }
        }
        CompletableFuture<?> sent =
                batch.size() > 1 && sender.stillTakesArrays(url) ? sendArray(batch) : sendEachAlone(batch);
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

    private CompletableFuture<?> sendEachAlone(List<FinalCallback> batch) {
        return CompletableFuture.allOf(batch.stream().map(sender::sendAlone).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<?> sendArray(List<FinalCallback> batch) {
        HttpRequest request;
        try {
            request = sender.checkedRequest(
                    url,
                    "["
                            + String.join(
                                    ",", batch.stream().map(FinalCallback::body).toList()) + "]");
        } catch (NetworkPolicy.RefusedHost | RuntimeException e) {
            // each callback meets the refusal (or the retry) on its own path
            return sendEachAlone(batch);
        }
        return sender.send(request).handle((response, failure) -> {
            answered(batch, response, failure);
            return null;
        });
    }

    private void answered(List<FinalCallback> batch, HttpResponse<String> response, Throwable failure) {
        List<JsonNode> answers =
                response == null || response.statusCode() != 200 ? null : itemAnswers(response.body(), batch.size());
        if (answers != null) {
            settleEach(batch, answers);
        } else if (response != null && CallbackSender.refusedForGood(response.statusCode())) {
            LOG.info(
                    "the receiver at {} refused a batch of callbacks (HTTP {}); sending them one by one from now on",
                    url,
                    response.statusCode());
            sender.sendsAloneFromNowOn(url);
            batch.forEach(sender::sendAlone);
        } else {
            retryEach(batch, response, failure);
        }
    }

    /** Settles each callback's delivery by its own answer in the array. */
    private void settleEach(List<FinalCallback> batch, List<JsonNode> answers) {
        for (int i = 0; i < batch.size(); i++) {
            JsonNode answer = answers.get(i);
            int status = "accepted".equals(answer.path("status").asText())
                    ? 200
                    : answer.path("code").asInt(500);
            sender.settle(
                    batch.get(i),
                    0,
                    status,
                    null,
                    status == 200
                            ? null
                            : "HTTP " + status + ": " + answer.path("message").asText(""));
        }
    }

    /**
     * The request failed as a whole (a 5xx, 408, 429, no answer, or a 200 that is not one answer per
     * callback): each callback is retried on its own.
     */
    private void retryEach(List<FinalCallback> batch, HttpResponse<String> response, Throwable failure) {
        boolean unreadable = response != null && response.statusCode() == 200;
        Throwable why = unreadable
                ? new java.io.IOException("the answer to a batch of callbacks is not one answer per callback")
                : failure;
        for (FinalCallback item : batch) {
            sender.outcome(item, 0, unreadable ? null : response, why);
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
}
