package dev.repoworker.api.dispatch;

import dev.repoworker.protocol.Callback;

/**
 * The Worker's answer to {@code GET /jobs/{id}}: its state ({@code queued}, {@code running},
 * {@code completed}, {@code failed}, {@code cancelled}), the attempt it runs and, once finished, the
 * callback body it sent.
 */
record WorkerJobState(Kind kind, String state, Integer attempt, Callback callback, String reason) {

    enum Kind {
        FOUND,
        NOT_FOUND,
        UNREACHABLE
    }

    static WorkerJobState notFound() {
        return new WorkerJobState(Kind.NOT_FOUND, null, null, null, "the worker does not know the job");
    }

    static WorkerJobState unreachable(String reason) {
        return new WorkerJobState(Kind.UNREACHABLE, null, null, null, reason);
    }

    boolean isFinished() {
        return "completed".equals(state) || "failed".equals(state);
    }

    boolean isInProgress() {
        return "queued".equals(state) || "running".equals(state);
    }
}
