package dev.repoworker.worker.repo;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.ProgressMonitor;

/** Forwards JGit's progress; cancels the clone when the job's thread is interrupted or a limit is passed. */
final class JGitMonitor implements ProgressMonitor {
    private final GitProgress progress;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean overLimit = new AtomicBoolean();
    private String task = "";
    private long total;
    private long done;

    JGitMonitor(GitProgress progress) {
        this.progress = progress;
    }

    @Override
    public void start(int totalTasks) {}

    @Override
    public void beginTask(String title, int totalWork) {
        task = title;
        total = Math.max(totalWork, 0);
        done = 0;
        progress.update(task, 0, total);
    }

    @Override
    public void update(int completed) {
        done += completed;
        progress.update(task, done, total);
    }

    @Override
    public void endTask() {}

    void cancel() {
        cancelled.set(true);
    }

    /** Throws when the job cancelled the clone or its thread is interrupted, clearing the interrupt. */
    void stopIfInterrupted() throws InterruptedException {
        if (cancelled.get() || Thread.currentThread().isInterrupted()) {
            Thread.interrupted();
            throw new InterruptedException("clone stopped because the job was interrupted");
        }
    }

    void stopForLimit() {
        overLimit.set(true);
    }

    @Override
    public boolean isCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            cancelled.set(true);
        }
        return cancelled.get() || overLimit.get();
    }

    @Override
    public void showDuration(boolean enabled) {}
}
