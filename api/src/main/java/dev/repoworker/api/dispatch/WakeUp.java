package dev.repoworker.api.dispatch;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A wake-up signal for a loop: ask for a run now, on {@code executor}. Requests that arrive while one is
 * already queued share it, so a burst of submissions costs one claim query, not one each.
 */
final class WakeUp implements Runnable {

    private final Executor executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Runnable action;

    WakeUp(Executor executor, Runnable action) {
        this.executor = executor;
        this.action = action;
    }

    @Override
    public void run() {
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    action.run();
                });
            } catch (RejectedExecutionException stopping) {
                queued.set(false);
            }
        }
    }
}
