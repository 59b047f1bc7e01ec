package dev.repoworker.worker.process;

import dev.repoworker.protocol.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which progress of one run becomes a {@code running} callback. None during the run's first moments
 * ({@code FIRST_PROGRESS_DELAY}), so a job finished by then sends only its final callback; then the
 * latest progress held back, and after that at most one a second; milestones (pipeline step boundaries)
 * and the first progress of each step always, so a client sees every step a job went through.
 */
final class ProgressThrottle {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private boolean open;
    private Progress held;
    private Instant lastSentAt;
    private String lastSentStep;

    /** {@code open}: no quiet start, every progress is subject to the throttle alone. */
    ProgressThrottle(boolean open) {
        this.open = open;
    }

    /** The progress to send now, if any. */
    synchronized Optional<Progress> report(Progress progress, boolean milestone, Instant now) {
        if (!open) {
            held = progress;
            return Optional.empty();
        }
        boolean newStep = !progress.step().equals(lastSentStep);
        if (!milestone && !newStep && lastSentAt != null && now.isBefore(lastSentAt.plus(INTERVAL))) {
            return Optional.empty();
        }
        lastSentAt = now;
        lastSentStep = progress.step();
        return Optional.of(progress);
    }

    /** Ends the quiet start: the progress held back during it, if any, is due now. */
    synchronized Optional<Progress> open(Instant now) {
        open = true;
        Progress due = held;
        held = null;
        if (due != null) {
            lastSentAt = now;
            lastSentStep = due.step();
        }
        return Optional.ofNullable(due);
    }
}
