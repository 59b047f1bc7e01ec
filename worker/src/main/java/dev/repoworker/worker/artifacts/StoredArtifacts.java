package dev.repoworker.worker.artifacts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A published set of artifacts: the store kind, the manifest's location relative to the store (never a
 * local absolute path), and the totals. Results show it as {@code {store, location, files, bytes}}.
 */
public record StoredArtifacts(
        String store, @JsonProperty("location") String manifest, int files, long bytes) {}
