package dev.repoworker.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Body of {@code POST /process}. {@code attempt} is optional: the API numbers its dispatches so
 * that a callback from a superseded attempt can be recognised; the Worker echoes it back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessRequest(String jobId, String task, String callbackUrl, Map<String, Object> data, Integer attempt) {

    public ProcessRequest {
        data = data == null ? Map.of() : data;
    }

    public ProcessRequest(String jobId, String task, String callbackUrl, Map<String, Object> data) {
        this(jobId, task, callbackUrl, data, null);
    }
}
