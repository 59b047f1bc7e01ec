package dev.repoworker.api;

/** An HTTP error with the body {@code {"error":{"code","message","field"}}}. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Long retryAfterSeconds;

    ApiException(int status, String code, String message, String field) {
        this(status, code, message, field, null);
    }

    private ApiException(int status, String code, String message, String field, Long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: come back after {@code retryAfterSeconds} (the {@code Retry-After} header). */
    static ApiException tooBusy(String message, long retryAfterSeconds) {
        return new ApiException(429, "too_many_requests", message, null, retryAfterSeconds);
    }

    static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid_request", message, field);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message, null);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }

    /** Null unless the client should wait before trying again. */
    Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
