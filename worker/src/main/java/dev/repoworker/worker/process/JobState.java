package dev.repoworker.worker.process;

import com.fasterxml.jackson.annotation.JsonValue;

/** A job's state on this Worker, as {@code GET /jobs/{jobId}} reports it. */
public enum JobState {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
