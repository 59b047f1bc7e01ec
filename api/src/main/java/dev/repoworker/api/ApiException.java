package dev.repoworker.api;

/** An HTTP error with the body {@code {"error":{"code","message","field"}}}. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
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
}
