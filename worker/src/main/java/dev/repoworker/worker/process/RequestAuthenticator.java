package dev.repoworker.worker.process;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.worker.WorkerError;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates calls from the API: a Standard Webhooks signature over the raw body, or the
 * original API's {@code Authorization: Bearer <WORKER_SECRET>}. Without configured secrets
 * (insecure development mode) every call passes.
 */
public final class RequestAuthenticator {

    private final Optional<Signatures> signatures;

    public RequestAuthenticator(Optional<Signatures> signatures) {
        this.signatures = signatures;
    }

    /** @throws WorkerError 401 when credentials are missing or the signature fails, 403 for a wrong bearer token */
    public void authenticate(String body, Function<String, String> header) {
        if (signatures.isEmpty()) {
            return;
        }
        Signatures s = signatures.get();
        String authorization = header.apply("Authorization");
        if (header.apply(Signatures.SIGNATURE_HEADER) == null && authorization != null) {
            if (s.acceptsBearer(authorization)) {
                return;
            }
            throw new WorkerError(403, "Authorization bearer token is not accepted", "Authorization");
        }
        try {
            s.verify(body, header);
        } catch (Signatures.SignatureException e) {
            throw new WorkerError(401, "authentication failed: " + e.getMessage(), Signatures.SIGNATURE_HEADER);
        }
    }
}
