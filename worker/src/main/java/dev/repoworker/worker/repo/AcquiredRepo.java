package dev.repoworker.worker.repo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A repository cloned into a job's workspace. {@link #directory()} is for later pipeline steps only;
 * {@link #summary()} — the task's result — never contains it.
 */
public record AcquiredRepo(Path directory, String repoUrl, String branch, String commit, long files, long bytes,
                           long durationMs) {

    /** Exactly {@code {repoUrl, branch, commit, files, bytes, durationMs}}; repoUrl without credentials. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("repoUrl", repoUrl);
        summary.put("branch", branch);
        summary.put("commit", commit);
        summary.put("files", files);
        summary.put("bytes", bytes);
        summary.put("durationMs", durationMs);
        return summary;
    }

    @Override
    public String toString() {
        return "AcquiredRepo" + summary();
    }
}
