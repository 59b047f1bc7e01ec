package dev.repoworker.api.callback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.BatchWriter;
import dev.repoworker.api.job.CallbackChange;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.ReplayedMessageException;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Progress;
import dev.repoworker.protocol.Signatures;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private static final String NO_CREDENTIALS =
            "a callback needs the webhook-id, webhook-timestamp and webhook-signature "
                    + "headers, Authorization: Bearer <WORKER_SECRET>, or its job's callback token (the callbackUrl's ?token=)";
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
    private final SecretBox secretBox;
    private final Signatures signatures;
    private final Clock clock;
    private final Duration lease;
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
        this.secretBox = secretBox;
        this.signatures = signatures;
        this.clock = clock;
        this.lease = lease;
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
        Credentials credentials = credentials(header, token);
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
                            message.map(m -> new MessageId(m.messageId(), m.replayableUntil()))),
                    null);
        }
        return new Received(null, applyAll(node, message, credentials));
    }

    /** The id a callback is remembered by: the request's {@code webhook-id} (with the item's index in an array). */
    private record MessageId(String id, Instant expiresAt) {}

    private List<ItemAnswer> applyAll(JsonNode items, Optional<Signatures.Verified> message, Credentials credentials) {
        if (items.isEmpty() || items.size() > MAX_BATCH) {
            throw new InvalidInputException("body", "an array of callbacks must hold 1 to " + MAX_BATCH + " items");
        }
        // parsed one by one; every valid callback goes to the writer at once, so a batch costs one commit, not one each
        List<ItemAnswer> answers = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
        List<Integer> valid = new ArrayList<>();
        List<Callback> callbacks = new ArrayList<>();
        List<CallbackParser.Parsed> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                parsed.add(CallbackParser.parse(items.get(i)));
                valid.add(i);
            } catch (InvalidInputException e) {
                answers.set(i, ItemAnswer.error(jobIdOf(items.get(i)), 400, e.getMessage(), e.field()));
            }
        }
        credentials.checkToken(
                parsed.stream().map(p -> p.callback().jobId()).distinct().toList());
        List<CallbackChange> changes = new ArrayList<>();
        for (int k = 0; k < parsed.size(); k++) {
            int index = valid.get(k);
            Callback callback = parsed.get(k).callback();
            changes.add(change(
                    callback,
                    parsed.get(k).logs(),
                    message.map(m -> new MessageId(m.messageId() + "#" + index, m.replayableUntil()))));
            callbacks.add(callback);
        }
        List<CallbackChange.Verdict> verdicts = writer.writeAll(changes);
        int replayed = 0;
        for (int k = 0; k < valid.size(); k++) {
            Callback callback = callbacks.get(k);
            CallbackChange.Verdict verdict = verdicts.get(k);
            answers.set(
                    valid.get(k),
                    switch (verdict.kind()) {
                        case REPLAYED ->
                            ItemAnswer.error(
                                    callback.jobId(), 409, "webhook-id already acted on", Signatures.ID_HEADER);
                        case UNKNOWN_JOB ->
                            ItemAnswer.error(
                                    callback.jobId(),
                                    404,
                                    new UnknownJobException(callback.jobId()).getMessage(),
                                    "jobId");
                        default -> ItemAnswer.accepted(callback.jobId(), verdict.reason());
                    });
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

    private static String jobIdOf(JsonNode item) {
        return item.path("jobId").isTextual() ? item.get("jobId").asText() : null;
    }

    /**
     * What the request offers: nothing to check (insecure development mode, or the bearer secret), a signature to
     * check over the body as it is read, or a callback token to check against the jobs the body names.
     */
    private Credentials credentials(Function<String, String> header, String token) {
        if (signatures == null || signatures.acceptsBearer(header.apply("Authorization"))) {
            return new Credentials(null, null);
        }
        boolean signed = header.apply(Signatures.ID_HEADER) != null
                || header.apply(Signatures.TIMESTAMP_HEADER) != null
                || header.apply(Signatures.SIGNATURE_HEADER) != null;
        if (!signed && token != null) {
            return new Credentials(null, token);
        }
        try {
            return new Credentials(signatures.start(header), null);
        } catch (Signatures.SignatureException e) {
            throw new UnauthorizedException(signed ? e.getMessage() : NO_CREDENTIALS, e.header());
        }
    }

    /** A request's credentials: a signature being computed over the body, or a callback token, or neither to check. */
    private final class Credentials {
        private final Signatures.Pending signature;
        private final String token;

        Credentials(Signatures.Pending signature, String token) {
            this.signature = signature;
            this.token = token;
        }

        Signatures.Pending signature() {
            return signature;
        }

        /** The verified message once the whole body was read; empty for the other forms (no replay protection). */
        Optional<Signatures.Verified> verified() {
            if (signature == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(signature.finish());
            } catch (Signatures.SignatureException e) {
                throw new UnauthorizedException(e.getMessage(), e.header());
            }
        }

        /** With a token: it must be the callback token of every job named (an unknown job has none: also 401). */
        void checkToken(List<String> jobIds) {
            if (token == null) {
                return;
            }
            for (String jobId : jobIds) {
                if (!CallbackTokens.matches(
                        store.jobs().callbackTokenHash(jobId).orElse(null), token)) {
                    throw new UnauthorizedException(
                            "the callback token is not the token of job " + jobId, CallbackTokens.PARAMETER);
                }
            }
        }
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
    private Outcome apply(Callback callback, CallbackLogs.Lines logs, Optional<MessageId> message) {
        String previousJob = MDC.get("jobId");
        MDC.put("jobId", callback.jobId());
        if (callback.attempt() != null) {
            MDC.put("attempt", Integer.toString(callback.attempt()));
        }
        try {
            CallbackChange.Verdict verdict = writer.write(change(callback, logs, message));
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

    private CallbackChange change(Callback callback, CallbackLogs.Lines logs, Optional<MessageId> message) {
        Instant now = clock.instant();
        Instant processedAt = callback.processedAt() == null ? now : callback.processedAt();
        int attempt = callback.attempt() == null ? 0 : callback.attempt();
        List<String> secrets = callback.error() != null || !logs.isEmpty() ? secretValues(callback.jobId()) : List.of();
        JobStatus target;
        Map<String, Object> result = null;
        String error = null;
        JobEvent event;
        switch (callback.status()) {
            case Callback.COMPLETED -> {
                target = JobStatus.COMPLETED;
                result = Secrets.redact(callback.result() == null ? Map.of() : callback.result());
                event = JobEvent.of(now, JobEvent.CALLBACK, attempt, "completed");
            }
            case Callback.FAILED -> {
                target = JobStatus.FAILED;
                error = Secrets.redactText(callback.error(), secrets);
                event = JobEvent.of(now, JobEvent.CALLBACK, attempt, "failed: " + error);
            }
            case Callback.CANCELLED -> {
                target = JobStatus.CANCELLED;
                error = callback.error() == null
                        ? "cancelled by the worker"
                        : Secrets.redactText(callback.error(), secrets);
                event = JobEvent.of(now, JobEvent.CANCELLED, attempt, error);
            }
            default -> {
                target = JobStatus.RUNNING;
                event = progressEvent(attempt, callback.progress(), now);
            }
        }
        return new CallbackChange(
                callback.jobId(),
                callback.attempt(),
                target,
                result,
                error,
                processedAt,
                callback.duration(),
                now.plus(lease),
                event,
                message.map(MessageId::id).orElse(null),
                message.map(MessageId::expiresAt).orElse(null),
                now,
                CallbackLogs.events(logs, attempt, now, secrets));
    }

    private static JobEvent progressEvent(int attempt, Progress progress, Instant now) {
        if (progress == null) {
            return JobEvent.of(now, JobEvent.PROGRESS, attempt, "running");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", progress.step());
        data.put("done", progress.done());
        data.put("total", progress.total());
        String message = Secrets.redactText(progress.message(), List.of());
        return JobEvent.of(now, JobEvent.PROGRESS, attempt, message == null ? progress.step() : message, data);
    }

    private List<String> secretValues(String jobId) {
        return store.jobs()
                .sealedSecrets(jobId)
                .map(sealedSecrets -> Secrets.values(secretBox.open(jobId, sealedSecrets)))
                .orElse(List.of());
    }

    /** Stops the writer; callbacks still waiting fail (their senders retry). */
    public void close() {
        writer.close();
    }
}
