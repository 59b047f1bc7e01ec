package dev.repoworker.worker.process;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.worker.WorkerError;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates calls from the API: a Standard Webhooks signature over the raw body, or the
 * original API's {@code Authorization: Bearer <WORKER_SECRET>}. Without configured secrets
 * (insecure development mode) every call passes.
 *
 * <p>A signed request that changes something is accepted once: its {@code webhook-id} is remembered
 * by the {@link ReplayGuard} and a second request with it is refused with 409 (and a new one with 429 while
 * the guard is full of ids that have not expired). The bearer form has no
 * message id and so no replay protection; it stays for compatibility with the original API.
 */
public final class RequestAuthenticator {

    private final Optional<Signatures> signatures;
    private final ReplayGuard replays;

    public RequestAuthenticator(Optional<Signatures> signatures, ReplayGuard replays) {
        this.signatures = signatures;
        this.replays = replays;
    }

    /**
     * For requests that change something: authenticated, and a signed one only once.
     *
     * @throws WorkerError 401 when credentials are missing or the signature fails, 403 for a wrong bearer
     *                     token, 409 for a replayed {@code webhook-id}, 429 when the replay guard is full
     */
    public void authenticate(String body, Function<String, String> header) {
        verify(body, header).ifPresent(message -> {
            ReplayGuard.Sighting sighting = replays.sight(message);
            if (sighting instanceof ReplayGuard.Replay) {
                throw new WorkerError(
                        409,
                        "webhook-id " + message.messageId() + " was already received; a replayed request is "
                                + "refused (sign every request with a new webhook-id)",
                        Signatures.ID_HEADER);
            }
            if (sighting instanceof ReplayGuard.Full full) {
                throw new WorkerError(
                        429,
                        "this worker cannot remember another webhook-id before an older one expires; " + "retry later",
                        Signatures.ID_HEADER,
                        Map.of("Retry-After", Long.toString(full.retryAfter().toSeconds())));
            }
        });
    }

    /** For reads, which a copy cannot abuse: authenticated only (a client may retry a read with the same headers). */
    public void authenticateRead(Function<String, String> header) {
        verify("", header);
    }

    /** The verified message, or empty when no signature was checked (bearer token, insecure mode). */
    private Optional<Signatures.Verified> verify(String body, Function<String, String> header) {
        if (signatures.isEmpty()) {
            return Optional.empty();
        }
        Signatures s = signatures.get();
        String authorization = header.apply("Authorization");
        if (header.apply(Signatures.SIGNATURE_HEADER) == null && authorization != null) {
            if (s.acceptsBearer(authorization)) {
                return Optional.empty();
            }
            throw new WorkerError(403, "Authorization bearer token is not accepted", "Authorization");
        }
        try {
            return Optional.of(s.verify(body, header));
        } catch (Signatures.SignatureException e) {
            throw new WorkerError(401, "authentication failed: " + e.getMessage(), e.header());
        }
    }
}
