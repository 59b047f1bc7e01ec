package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.task.TaskResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * enrich-data's result: the fields {@link EnrichData} reports, and when it ran on its own the build it read
 * ({@code artifactsOf}) and the published {@code manifest} (both absent inside a pipeline).
 */
public record Enriched(@JsonIgnore Map<String, Object> computed, String artifactsOf, StoredArtifacts manifest)
        implements TaskResult {

    public Enriched {
        computed = Collections.unmodifiableMap(new LinkedHashMap<>(computed));
    }

    @JsonAnyGetter
    Map<String, Object> computedFields() {
        return computed;
    }
}
