package dev.repoworker.api.callback;

/** A callback whose signature or bearer token does not verify. */
public final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException(String message) {
        super(message);
    }
}
