package dev.repoworker.api.callback;

/** A callback whose signature or bearer token does not verify; {@link #field()} names the header at fault. */
public final class UnauthorizedException extends RuntimeException {

    private final String field;

    public UnauthorizedException(String message, String field) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
