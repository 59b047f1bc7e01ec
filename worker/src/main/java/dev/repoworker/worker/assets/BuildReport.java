package dev.repoworker.worker.assets;

import java.util.Map;

/**
 * What a build produced: counts, issues by kind, bytes written and per-phase durations. Jackson writes it
 * in component order as a result's fields (no paths of this machine).
 */
public record BuildReport(
        int notes,
        int posts,
        int excludedPrivate,
        int media,
        int mediaProcessed,
        int mediaReused,
        int variants,
        int issues,
        Map<String, Integer> issuesByKind,
        int files,
        long bytes,
        Map<String, Long> durationsMs) {}
