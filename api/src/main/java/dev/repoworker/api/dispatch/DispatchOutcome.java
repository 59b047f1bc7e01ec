package dev.repoworker.api.dispatch;

import java.time.Duration;

/** What became of one {@code POST /process}. */
sealed interface DispatchOutcome {

    /** 202: the Worker has the job. */
    record Accepted() implements DispatchOutcome {
    }

    /** 429 or 503: reachable but not taking work now; {@code retryAfter} is null when not given. */
    record Busy(int status, Duration retryAfter) implements DispatchOutcome {
    }

    /** Connection refused, timeout, 408 or another 5xx. */
    record Unreachable(String reason) implements DispatchOutcome {
    }

    /** Any other 4xx: the Worker will never take this request; {@code message} is its reason. */
    record Rejected(int status, String message) implements DispatchOutcome {
    }
}
