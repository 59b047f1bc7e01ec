package dev.repoworker.api.fallback;

import dev.repoworker.api.job.Runner;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Progress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Development only, when no Worker is configured: a job reports {@code running}, then after
 * {@code delay} {@code completed} with a result marked {@code "simulated": true}. Nothing is cloned.
 */
public final class SimulatedRunner implements LegacyJobRunner {

    private final ScheduledExecutorService scheduler;
    private final Duration delay;
    private final Consumer<Callback> callbacks;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public SimulatedRunner(ScheduledExecutorService scheduler, Duration delay, Consumer<Callback> callbacks, Clock clock) {
        this.scheduler = scheduler;
        this.delay = delay;
        this.callbacks = callbacks;
        this.clock = clock;
    }

    @Override
    public Runner kind() {
        return Runner.SIMULATED;
    }

    @Override
    public boolean start(LegacyJob job) {
        running.add(job.jobId());
        long half = delay.toMillis() / 2;
        scheduler.schedule(() -> callbacks.accept(Callback.running(job.jobId(), job.attempt(),
                new Progress("simulated", 0, 1, "simulated run started"))), half, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> finish(job), delay.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    private void finish(LegacyJob job) {
        if (!running.remove(job.jobId())) {
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("simulated", true);
        result.put("task", job.task());
        result.put("message", "development mode without a worker: nothing was processed, this result is simulated");
        callbacks.accept(Callback.completed(job.jobId(), job.attempt(), result, clock.instant(), delay.toMillis()));
    }

    @Override
    public boolean isRunning(String jobId) {
        return running.contains(jobId);
    }

    @Override
    public void cancel(String jobId) {
        running.remove(jobId);
    }

    @Override
    public void close() {
        running.clear();
    }
}
