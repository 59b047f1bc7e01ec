package dev.repoworker.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One element of the answer to a batch (a JSON array body): {@code {"jobId","status":"accepted"}}, or
 * {@code {"jobId","status":"error","code","message","field"}} with the HTTP status the item would have got
 * alone. {@code field} is absent when no field is at fault, {@code jobId} when the item has none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemResult(String jobId, String status, Integer code, String message, String field) {

    public static final String ACCEPTED = "accepted";
    public static final String ERROR = "error";

    public static ItemResult accepted(String jobId) {
        return new ItemResult(jobId, ACCEPTED, null, null, null);
    }

    public static ItemResult error(String jobId, int code, String message, String field) {
        return new ItemResult(jobId, ERROR, code, message, field);
    }
}
