package dev.repoworker.api.dispatch;

import java.time.Duration;

/** What became of one {@code POST /process}. */
sealed interface DispatchOutcome {

    /** 202: the Worker has the job. */
    record Accepted() implements DispatchOutcome {}

    /** 429 or 503: reachable but not taking work now; {@code retryAfter} is null when not given. */
    record Busy(int status, Duration retryAfter) implements DispatchOutcome {}

    /** Not taken, and the Worker never had it: connection refused or not made, 408 or another 5xx. */
    record Unreachable(String reason) implements DispatchOutcome {}

    /**
     * The request went out and no answer came (a timeout, a connection cut): the Worker may have the job. The
     * attempt stays with that Worker (never sent to another), and the reconciler asks it when the claim ends.
     */
    record Unanswered(String reason) implements DispatchOutcome {}

    /** Any other 4xx: the Worker will never take this request; {@code message} is its reason. */
    record Rejected(int status, String message) implements DispatchOutcome {}
}
