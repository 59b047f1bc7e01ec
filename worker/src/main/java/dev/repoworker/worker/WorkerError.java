package dev.repoworker.worker;

import java.util.Map;

/** A request the Worker refuses: HTTP status, a message naming the problem, and the field if one is at fault. */
public final class WorkerError extends RuntimeException {

    private final int status;
    private final String field;
    private final Map<String, String> headers;

    public WorkerError(int status, String message, String field) {
        this(status, message, field, Map.of());
    }

    public WorkerError(int status, String message, String field, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.field = field;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
