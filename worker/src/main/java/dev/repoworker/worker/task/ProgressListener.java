package dev.repoworker.worker.task;

import dev.repoworker.protocol.Progress;

/** Receives a task's progress; the Worker forwards it as {@code running} callbacks. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = progress -> {};

    void report(Progress progress);

    /**
     * A progress report that must not be dropped by throttling (a pipeline's step boundary). By default the
     * same as {@link #report}.
     */
    default void milestone(Progress progress) {
        report(progress);
    }
}
