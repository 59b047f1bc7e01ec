package dev.repoworker.api.callback;

import dev.repoworker.api.job.CallbackChange;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a parsed callback into the {@link CallbackChange} the store applies: the status it moves the job to, its
 * result or error and the event it records, with the job's secrets redacted from the error and the logs.
 */
final class CallbackChanges {

    /** The id a callback is remembered by: the request's {@code webhook-id} (with the item's index in an array). */
    record MessageId(String id, Instant expiresAt) {}

    /** What the callback's status does to its job; {@code result} and {@code error} are null when it sets neither. */
    private record Transition(JobStatus target, Map<String, Object> result, String error, JobEvent event) {}

    private final JobStore store;
    private final SecretBox secretBox;
    private final Clock clock;
    private final Duration lease;

    CallbackChanges(JobStore store, SecretBox secretBox, Clock clock, Duration lease) {
        this.store = store;
        this.secretBox = secretBox;
        this.clock = clock;
        this.lease = lease;
    }

    CallbackChange change(Callback callback, CallbackLogs.Lines logs, Optional<MessageId> message) {
        Instant now = clock.instant();
        Instant processedAt = callback.processedAt() == null ? now : callback.processedAt();
        int attempt = callback.attempt() == null ? 0 : callback.attempt();
        List<String> secrets = callback.error() != null || !logs.isEmpty() ? secretValues(callback.jobId()) : List.of();
        Transition transition = transition(callback, attempt, secrets, now);
        return new CallbackChange(
                callback.jobId(),
                callback.attempt(),
                transition.target(),
                transition.result(),
                transition.error(),
                processedAt,
                callback.duration(),
                now.plus(lease),
                transition.event(),
                message.map(MessageId::id).orElse(null),
                message.map(MessageId::expiresAt).orElse(null),
                now,
                CallbackLogs.events(logs, attempt, now, secrets));
    }

    private static Transition transition(Callback callback, int attempt, List<String> secrets, Instant now) {
        return switch (callback.status()) {
            case Callback.COMPLETED ->
                new Transition(
                        JobStatus.COMPLETED,
                        Secrets.redact(callback.result() == null ? Map.of() : callback.result()),
                        null,
                        JobEvent.of(now, JobEvent.CALLBACK, attempt, "completed"));
            case Callback.FAILED -> {
                String error = Secrets.redactText(callback.error(), secrets);
                yield new Transition(
                        JobStatus.FAILED,
                        null,
                        error,
                        JobEvent.of(now, JobEvent.CALLBACK, attempt, "failed: " + error));
            }
            case Callback.CANCELLED -> {
                String error = callback.error() == null
                        ? "cancelled by the worker"
                        : Secrets.redactText(callback.error(), secrets);
                yield new Transition(
                        JobStatus.CANCELLED, null, error, JobEvent.of(now, JobEvent.CANCELLED, attempt, error));
            }
            default -> new Transition(JobStatus.RUNNING, null, null, progressEvent(attempt, callback.progress(), now));
        };
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
}
