package dev.repoworker.worker.task;

import dev.repoworker.protocol.Progress;

/** Receives a task's progress; the Worker forwards it as {@code running} callbacks. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = progress -> { };

    void report(Progress progress);
}
