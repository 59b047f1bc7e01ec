package dev.repoworker.api.callback;

import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.protocol.Signatures;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A callback request's credentials: a signature being computed over the body, or a callback token, or neither to
 * check (insecure development mode, or the bearer secret). {@link #of} refuses a request with none of them before
 * its body is read.
 */
final class CallbackCredentials {

    private static final String NO_CREDENTIALS =
            "a callback needs the webhook-id, webhook-timestamp and webhook-signature "
                    + "headers, Authorization: Bearer <WORKER_SECRET>, or its job's callback token (the callbackUrl's ?token=)";

    private final JobStore store;
    private final Signatures.Pending signature;
    private final String token;

    private CallbackCredentials(JobStore store, Signatures.Pending signature, String token) {
        this.store = store;
        this.signature = signature;
        this.token = token;
    }

    /**
     * What the request offers: nothing to check, a signature to check over the body as it is read, or a callback
     * token to check against the jobs the body names.
     *
     * @param signatures null only in insecure development mode: callbacks are then not authenticated
     */
    static CallbackCredentials of(
            JobStore store, Signatures signatures, Function<String, String> header, String token) {
        if (signatures == null || signatures.acceptsBearer(header.apply("Authorization"))) {
            return new CallbackCredentials(store, null, null);
        }
        boolean signed = header.apply(Signatures.ID_HEADER) != null
                || header.apply(Signatures.TIMESTAMP_HEADER) != null
                || header.apply(Signatures.SIGNATURE_HEADER) != null;
        if (!signed && token != null) {
            return new CallbackCredentials(store, null, token);
        }
        try {
            return new CallbackCredentials(store, signatures.start(header), null);
        } catch (Signatures.SignatureException e) {
            throw new UnauthorizedException(signed ? e.getMessage() : NO_CREDENTIALS, e.header());
        }
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
            if (!CallbackTokens.matches(store.jobs().callbackTokenHash(jobId).orElse(null), token)) {
                throw new UnauthorizedException(
                        "the callback token is not the token of job " + jobId, CallbackTokens.PARAMETER);
            }
        }
    }
}
