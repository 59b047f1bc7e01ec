package dev.repoworker.worker.assets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a build produced: counts, issues by kind, bytes written and per-phase durations. {@link #summary()} is
 * fit for a callback result (no paths of this machine).
 */
public record BuildReport(int notes, int posts, int excludedPrivate, int media, int mediaProcessed, int mediaReused,
                          int variants, int issues, Map<String, Integer> issuesByKind, int files, long bytes,
                          Map<String, Long> durationsMs) {

    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("notes", notes);
        summary.put("posts", posts);
        summary.put("excludedPrivate", excludedPrivate);
        summary.put("media", media);
        summary.put("mediaProcessed", mediaProcessed);
        summary.put("mediaReused", mediaReused);
        summary.put("variants", variants);
        summary.put("issues", issues);
        summary.put("issuesByKind", issuesByKind);
        summary.put("files", files);
        summary.put("bytes", bytes);
        summary.put("durationsMs", durationsMs);
        return summary;
    }
}
