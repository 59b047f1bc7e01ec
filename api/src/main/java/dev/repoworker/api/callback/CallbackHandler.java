package dev.repoworker.api.callback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.BatchWriter;
import dev.repoworker.api.job.CallbackChange;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.ReplayedMessageException;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Signatures;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Authenticates callbacks and applies them to their job exactly once: a repeated, late or
 * superseded callback is acknowledged and changes nothing; a replayed one (a {@code webhook-id} already
 * acted on, by any replica) is refused with 409.
 *
 * <p>A callback is authenticated by its Standard Webhooks signature, by the bearer secret, or by the callback
 * token of its job ({@link CallbackTokens}, for senders that do not sign, such as the original Worker). A request
 * with none of them is refused before its body is read.
 */
public final class CallbackHandler {

    /** The most callbacks one request may carry in the array form. */
    public static final int MAX_BATCH = 100;

    /** What a callback did; {@code applied} is false for an acknowledged no-op. */
    public record Outcome(boolean applied, String reason) {}

    /** The answer to one request: one outcome, or one answer per item of an array body. */
    public record Received(Outcome single, List<ItemAnswer> items) {}

    /**
     * The answer to one item of an array body: {@code accepted} with the reason, or {@code error} with the HTTP
     * status the item alone would have had ({@code code}) and the field at fault. Null fields are left out.
     */
    public record ItemAnswer(String jobId, String status, Integer code, String message, String field) {

        static ItemAnswer accepted(String jobId, String reason) {
            return new ItemAnswer(jobId, "accepted", null, reason, null);
        }

        static ItemAnswer error(String jobId, int code, String message, String field) {
            return new ItemAnswer(jobId, "error", code, message, field);
        }
    }

    private final JobStore store;
    private final Signatures signatures;
    private final CallbackChanges changes;
    private final ApiMetrics metrics;
    private final BatchWriter<CallbackChange, CallbackChange.Verdict> writer;
    private final long maxBodyBytes;

    /**
     * @param signatures   null only in insecure development mode: callbacks are then not authenticated
     * @param maxBodyBytes the largest body taken ({@code MAX_CALLBACK_BYTES})
     */
    public CallbackHandler(
            JobStore store,
            SecretBox secretBox,
            Signatures signatures,
            Clock clock,
            Duration lease,
            ApiMetrics metrics,
            long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
        this.store = store;
        this.signatures = signatures;
        this.changes = new CallbackChanges(store, secretBox, clock, lease);
        this.writer = new BatchWriter<>("callback-writer", 500, store::applyCallbacks);
    }

    /**
     * A callback from the network, read as a stream ({@link CallbackBody}): authenticated, decoded strictly as
     * UTF-8, validated, then applied with whatever other callbacks arrived meanwhile, and answered once committed.
     * An array body carries several callbacks under one signature and gets one answer per item.
     *
     * @param declaredLength the request's {@code Content-Length}, or -1
     * @param token          the callback token the request presents (query or path), or null
     */
    public Received receive(InputStream body, long declaredLength, Function<String, String> header, String token) {
        CallbackCredentials credentials = CallbackCredentials.of(store, signatures, header, token);
        if (declaredLength > maxBodyBytes) {
            throw new CallbackTooLargeException(maxBodyBytes);
        }
        JsonNode node;
        try {
            node = CallbackBody.read(body, maxBodyBytes, credentials.signature());
        } catch (InvalidInputException e) {
            credentials.verified(); // a forged request is a 401 even when its body is also bad
            throw e;
        }
        Optional<Signatures.Verified> message = credentials.verified();
        if (!node.isArray()) {
            CallbackParser.Parsed parsed = CallbackParser.parse(node);
            credentials.checkToken(List.of(parsed.callback().jobId()));
            return new Received(
                    apply(
                            parsed.callback(),
                            parsed.logs(),
                            message.map(m -> new CallbackChanges.MessageId(m.messageId(), m.replayableUntil()))),
                    null);
        }
        return new Received(null, applyAll(node, message, credentials));
    }

    private List<ItemAnswer> applyAll(
            JsonNode items, Optional<Signatures.Verified> message, CallbackCredentials credentials) {
        if (items.isEmpty() || items.size() > MAX_BATCH) {
            throw new InvalidInputException("body", "an array of callbacks must hold 1 to " + MAX_BATCH + " items");
        }
        List<ItemAnswer> answers = new ArrayList<>(Collections.nCopies(items.size(), null));
        List<ValidItem> valid = parseItems(items, answers);
        credentials.checkToken(valid.stream()
                .map(item -> item.parsed().callback().jobId())
                .distinct()
                .toList());
        // every valid callback goes to the writer at once, so a batch costs one commit, not one each
        List<CallbackChange> batch = valid.stream()
                .map(item -> changes.change(
                        item.parsed().callback(),
                        item.parsed().logs(),
                        message.map(m -> new CallbackChanges.MessageId(
                                m.messageId() + "#" + item.index(), m.replayableUntil()))))
                .toList();
        List<CallbackChange.Verdict> verdicts = writer.writeAll(batch);
        int replayed = 0;
        for (int k = 0; k < valid.size(); k++) {
            Callback callback = valid.get(k).parsed().callback();
            CallbackChange.Verdict verdict = verdicts.get(k);
            answers.set(valid.get(k).index(), answer(callback.jobId(), verdict));
            if (verdict.kind() == CallbackChange.Kind.REPLAYED) {
                replayed++;
            } else if (verdict.kind() != CallbackChange.Kind.UNKNOWN_JOB) {
                metrics.callbackReceived(callback.status(), verdict.kind() == CallbackChange.Kind.APPLIED);
            }
        }
        if (replayed == items.size()) {
            throw new ReplayedMessageException(
                    message.map(Signatures.Verified::messageId).orElse(""));
        }
        return answers;
    }

    /** An item of an array body that parsed, with its index in the array. */
    private record ValidItem(int index, CallbackParser.Parsed parsed) {}

    /** Parses the items one by one: an invalid one gets its 400 answer in {@code answers}, the valid ones are returned. */
    private static List<ValidItem> parseItems(JsonNode items, List<ItemAnswer> answers) {
        List<ValidItem> valid = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                valid.add(new ValidItem(i, CallbackParser.parse(items.get(i))));
            } catch (InvalidInputException e) {
                answers.set(i, ItemAnswer.error(jobIdOf(items.get(i)), 400, e.getMessage(), e.field()));
            }
        }
        return valid;
    }

    private static ItemAnswer answer(String jobId, CallbackChange.Verdict verdict) {
        return switch (verdict.kind()) {
            case REPLAYED -> ItemAnswer.error(jobId, 409, "webhook-id already acted on", Signatures.ID_HEADER);
            case UNKNOWN_JOB -> ItemAnswer.error(jobId, 404, new UnknownJobException(jobId).getMessage(), "jobId");
            default -> ItemAnswer.accepted(jobId, verdict.reason());
        };
    }

    private static String jobIdOf(JsonNode item) {
        return item.path("jobId").isTextual() ? item.get("jobId").asText() : null;
    }

    /** A callback already trusted (a runner inside this process, or one the Worker kept). */
    public Outcome apply(Callback callback) {
        return apply(callback, CallbackLogs.of(callback.logs()), Optional.empty());
    }

    /**
     * Applies {@code callback}; with a message id, only once: the id is recorded in the transaction that applies
     * it (or that finds it changes nothing), and a copy is refused with {@link ReplayedMessageException}. A
     * callback for an unknown job records nothing, so a sender that re-sends it later is not taken for a replay.
     */
    private Outcome apply(Callback callback, CallbackLogs.Lines logs, Optional<CallbackChanges.MessageId> message) {
        String previousJob = MDC.get("jobId");
        MDC.put("jobId", callback.jobId());
        if (callback.attempt() != null) {
            MDC.put("attempt", Integer.toString(callback.attempt()));
        }
        try {
            CallbackChange.Verdict verdict = writer.write(changes.change(callback, logs, message));
            switch (verdict.kind()) {
                case REPLAYED -> throw new ReplayedMessageException(verdict.reason());
                case UNKNOWN_JOB -> throw new UnknownJobException(callback.jobId());
                default -> {}
            }
            boolean applied = verdict.kind() == CallbackChange.Kind.APPLIED;
            metrics.callbackReceived(callback.status(), applied);
            return new Outcome(applied, verdict.reason());
        } finally {
            if (previousJob == null) {
                MDC.remove("jobId");
                MDC.remove("attempt");
            }
        }
    }

    /** Stops the writer; callbacks still waiting fail (their senders retry). */
    public void close() {
        writer.close();
    }
}
