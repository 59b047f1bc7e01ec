package dev.repoworker.api.job;

/** Input a client sent that cannot be used; {@code field} names the culprit (e.g. {@code data.owner}). */
public final class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
