package dev.repoworker.worker.task;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a task reports as the callback's {@code result}: a record (counts, commit, timings) that Jackson writes
 * in component order. Results never hold a path of this machine.
 */
public interface TaskResult {

    /** The wire form, as the callback and the local {@code process} command carry it. */
    default Map<String, Object> summary() {
        return Json.mapper().convertValue(this, new TypeReference<LinkedHashMap<String, Object>>() {});
    }
}
