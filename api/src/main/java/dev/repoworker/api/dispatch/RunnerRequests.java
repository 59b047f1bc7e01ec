package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJob;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.DispatchOutbox.Claim;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.protocol.ProcessRequest;
import java.util.Map;

/**
 * A claimed job as its runner gets it: its data with its secrets unsealed, and a callback URL that carries its
 * callback token. The secrets are opened here, for the request only, and never kept.
 */
final class RunnerRequests {

    private final SecretBox secretBox;
    /** Where runners send their callbacks: known once the API listens, set by {@link #callbackTo}. */
    private volatile String callbackUrl;

    RunnerRequests(SecretBox secretBox) {
        this.secretBox = secretBox;
    }

    void callbackTo(String callbackUrl) {
        this.callbackUrl = callbackUrl;
    }

    /** Set once the API listens: before that, no job is handed over. */
    boolean ready() {
        return callbackUrl != null;
    }

    /** The job as a Worker gets it. */
    ProcessRequest forWorker(Claim claim) {
        Job job = claim.job();
        CallbackTokens.Opened opened = CallbackTokens.open(secrets(claim));
        return new ProcessRequest(
                job.id(),
                job.task(),
                CallbackTokens.url(callbackUrl, opened.token()),
                Secrets.merge(job.input(), opened.secrets()),
                job.attempt());
    }

    /** The job as the fallback runner gets it, with the secret values it must keep out of its output. */
    LegacyJob forFallback(Claim claim) {
        Job job = claim.job();
        Map<String, Object> secrets = secrets(claim);
        CallbackTokens.Opened opened = CallbackTokens.open(secrets);
        return new LegacyJob(
                job.id(),
                job.task(),
                job.attempt(),
                Secrets.merge(job.input(), opened.secrets()),
                CallbackTokens.url(callbackUrl, opened.token()),
                Secrets.values(secrets));
    }

    /** Why a job failed when its Worker refused it, with the job's secrets redacted from the Worker's words. */
    String rejectionError(Claim claim, DispatchOutcome.Rejected rejection) {
        return "the worker rejected the job (" + rejection.status() + "): "
                + Secrets.redactText(rejection.message(), Secrets.values(secrets(claim)));
    }

    private Map<String, Object> secrets(Claim claim) {
        return claim.sealedSecrets() == null
                ? Map.of()
                : secretBox.open(claim.job().id(), claim.sealedSecrets());
    }
}
