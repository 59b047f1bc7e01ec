package dev.repoworker.api.callback;

import dev.repoworker.api.job.Job;
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
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.protocol.Signatures;
import java.nio.charset.StandardCharsets;
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
 */
public final class CallbackHandler {

    private static final int MAX_CONFLICT_RETRIES = 10;
    private static final int MAX_LOG_LINES = 50;

    /** What a callback did; {@code applied} is false for an acknowledged no-op. */
    public record Outcome(boolean applied, String reason) {
    }

    private final JobStore store;
    private final SecretBox secretBox;
    private final Signatures signatures;
    private final Clock clock;
    private final Duration lease;
    private final ApiMetrics metrics;

    /** @param signatures null only in insecure development mode: callbacks are then not authenticated */
    public CallbackHandler(JobStore store, SecretBox secretBox, Signatures signatures, Clock clock, Duration lease) {
        this(store, secretBox, signatures, clock, lease, ApiMetrics.none());
    }

    public CallbackHandler(JobStore store, SecretBox secretBox, Signatures signatures, Clock clock, Duration lease,
                           ApiMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.secretBox = secretBox;
        this.signatures = signatures;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * A callback from the network: verified (over the body as its sender signed it), decoded strictly as
     * UTF-8, validated, then applied.
     */
    public Outcome receive(byte[] body, Function<String, String> header) {
        Optional<Signatures.Verified> message = authenticate(new String(body, StandardCharsets.UTF_8), header);
        String text;
        try {
            text = Json.decodeUtf8(body);
        } catch (Json.InvalidJsonException e) {
            throw new InvalidInputException("body", e.getMessage());
        }
        return apply(CallbackParser.parse(text), message);
    }

    /**
     * The verified message, or empty for the bearer form (no message id, so no replay protection: the
     * original API's compatibility path) and in insecure development mode.
     */
    private Optional<Signatures.Verified> authenticate(String body, Function<String, String> header) {
        if (signatures == null || signatures.acceptsBearer(header.apply("Authorization"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(signatures.verify(body, header));
        } catch (Signatures.SignatureException e) {
            throw new UnauthorizedException(e.getMessage(), e.header());
        }
    }

    /** A callback already trusted (a runner inside this process, or one the Worker kept). */
    public Outcome apply(Callback callback) {
        return apply(callback, Optional.empty());
    }

    /**
     * Applies {@code callback}; with a {@code message}, only once: its id is recorded in the transaction
     * that applies it (or alone when the callback changes nothing), and a copy is refused with
     * {@link ReplayedMessageException}. A callback that fails before it is applied records nothing, so a
     * sender that re-sends the same message after an error is not taken for a replay.
     */
    private Outcome apply(Callback callback, Optional<Signatures.Verified> message) {
        String previousJob = MDC.get("jobId");
        MDC.put("jobId", callback.jobId());
        if (callback.attempt() != null) {
            MDC.put("attempt", Integer.toString(callback.attempt()));
        }
        try {
            Outcome outcome = applyOnce(callback, message);
            metrics.callbackReceived(callback.status(), outcome.applied());
            return outcome;
        } finally {
            if (previousJob == null) {
                MDC.remove("jobId");
                MDC.remove("attempt");
            }
        }
    }

    private Outcome applyOnce(Callback callback, Optional<Signatures.Verified> message) {
        for (int i = 0; i < MAX_CONFLICT_RETRIES; i++) {
            Job job = store.find(callback.jobId()).orElseThrow(() -> new UnknownJobException(callback.jobId()));
            Optional<String> ignored = whyIgnored(job, callback);
            if (ignored.isPresent()) {
                message.ifPresent(m -> store.recordMessage(m, clock.instant()));
                return new Outcome(false, ignored.get());
            }
            List<JobEvent> events = new ArrayList<>();
            Job next = next(job, callback, events);
            Optional<Job> stored = message.isPresent() ? store.updateOnce(next, events, message.get()) : store.update(next, events, null);
            if (stored.isPresent()) {
                return new Outcome(true, "job is " + next.status());
            }
        }
        return new Outcome(false, "job kept changing; try again");
    }

    private static Optional<String> whyIgnored(Job job, Callback callback) {
        int attempt = callback.attempt() == null ? job.attempt() : callback.attempt();
        if (attempt != job.attempt()) {
            return Optional.of("attempt " + attempt + " is not the job's current attempt " + job.attempt());
        }
        if (job.status().isFinal()) {
            return Optional.of("job is already " + job.status());
        }
        return Optional.empty();
    }

    private Job next(Job job, Callback callback, List<JobEvent> events) {
        Instant now = clock.instant();
        Job current = job.status() == JobStatus.PENDING ? job.moveTo(JobStatus.DISPATCHED, now) : job;
        Instant processedAt = callback.processedAt() == null ? now : callback.processedAt();
        switch (callback.status()) {
            case Callback.COMPLETED -> {
                events.add(JobEvent.of(now, JobEvent.CALLBACK, job.attempt(), "completed", logs(job, callback)));
                return current.moveTo(JobStatus.COMPLETED, now)
                        .withResult(Secrets.redact(callback.result() == null ? Map.of() : callback.result()), processedAt, callback.duration());
            }
            case Callback.FAILED -> {
                String error = Secrets.redactText(callback.error(), secretValues(job));
                events.add(JobEvent.of(now, JobEvent.CALLBACK, job.attempt(), "failed: " + error, logs(job, callback)));
                return current.moveTo(JobStatus.FAILED, now).withError(error, processedAt).withResult(null, processedAt, callback.duration());
            }
            default -> {
                events.add(progressEvent(job, callback.progress(), now));
                Job running = current.status() == JobStatus.RUNNING ? current : current.moveTo(JobStatus.RUNNING, now);
                return running.withLease(now.plus(lease), now);
            }
        }
    }

    private JobEvent progressEvent(Job job, Progress progress, Instant now) {
        if (progress == null) {
            return JobEvent.of(now, JobEvent.PROGRESS, job.attempt(), "running");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", progress.step());
        data.put("done", progress.done());
        data.put("total", progress.total());
        String message = Secrets.redactText(progress.message(), List.of());
        return JobEvent.of(now, JobEvent.PROGRESS, job.attempt(), message == null ? progress.step() : message, data);
    }

    private Map<String, Object> logs(Job job, Callback callback) {
        if (callback.logs() == null || callback.logs().isEmpty()) {
            return null;
        }
        List<String> secrets = secretValues(job);
        List<String> lines = callback.logs();
        List<String> tail = lines.subList(Math.max(0, lines.size() - MAX_LOG_LINES), lines.size()).stream()
                .map(line -> Secrets.redactText(line, secrets)).toList();
        return Map.of("logs", tail);
    }

    private List<String> secretValues(Job job) {
        return store.sealedSecrets(job.id()).map(sealed -> Secrets.values(secretBox.open(job.id(), sealed))).orElse(List.of());
    }
}
