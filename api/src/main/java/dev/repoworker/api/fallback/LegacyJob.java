package dev.repoworker.api.fallback;

import java.util.List;
import java.util.Map;

/**
 * One job for a runner other than the Worker: the Cloud Run Job contract ({@code JOB_ID},
 * {@code TASK}, {@code DATA}, {@code CALLBACK_URL}). {@code data} includes the decrypted secrets;
 * {@code secretValues} lets a runner redact them from anything it shows.
 */
public record LegacyJob(
        String jobId,
        String task,
        int attempt,
        Map<String, Object> data,
        String callbackUrl,
        List<String> secretValues) {}
