package dev.repoworker.worker.artifacts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A published set of artifacts: the store kind, the manifest's location relative to the store (never a
 * local absolute path), and the totals.
 */
public record StoredArtifacts(String store, String manifest, int files, long bytes) {

    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("store", store);
        summary.put("location", manifest);
        summary.put("files", files);
        summary.put("bytes", bytes);
        return summary;
    }
}
