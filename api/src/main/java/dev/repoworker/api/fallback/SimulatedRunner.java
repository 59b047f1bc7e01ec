package dev.repoworker.api.fallback;

import dev.repoworker.api.job.Runner;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Progress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Development only, for a job no Worker takes (none configured, or none reachable): the original services'
 * simulation. The job reports {@code running} with one progress step per stage of its task, then after
 * {@code delay} {@code completed} with a result marked {@code "simulated": true} and the original's flag
 * ({@code cloned}, {@code imported} or {@code deployed}). Nothing is cloned, built or published.
 */
public final class SimulatedRunner implements LegacyJobRunner {

    private static final Map<String, List<String>> STEPS = Map.of(
            "acquire-user-repo", List.of("acquire-user-repo"),
            "new-repo-from-template", List.of("new-repo-from-template"),
            "process-all", List.of("build-assets", "compute-embeddings", "enrich-data"),
            "process-with-repo", List.of("acquire-user-repo", "build-assets", "compute-embeddings", "enrich-data"),
            "process-from-template",
                    List.of("new-repo-from-template", "build-assets", "compute-embeddings", "enrich-data"),
            "deploy-repo",
                    List.of("acquire-user-repo", "build-assets", "compute-embeddings", "enrich-data", "publish"));

    private final ScheduledExecutorService scheduler;
    private final Duration delay;
    private final Consumer<Callback> callbacks;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public SimulatedRunner(
            ScheduledExecutorService scheduler, Duration delay, Consumer<Callback> callbacks, Clock clock) {
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
        List<String> steps = steps(job);
        long slice = delay.toMillis() / (steps.size() + 1);
        for (int i = 0; i < steps.size(); i++) {
            Progress progress =
                    new Progress(steps.get(i), i, steps.size(), "simulated " + steps.get(i) + ": nothing is processed");
            scheduler.schedule(() -> report(job, progress), slice * (i + 1), TimeUnit.MILLISECONDS);
        }
        scheduler.schedule(() -> finish(job, steps), delay.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /** The task's stages as the Worker would report them; a deploy is a {@code process-with-repo} that publishes. */
    private static List<String> steps(LegacyJob job) {
        String task = isDeploy(job) ? "deploy-repo" : job.task();
        return STEPS.getOrDefault(task, List.of(job.task()));
    }

    private static boolean isDeploy(LegacyJob job) {
        return job.task().equals("deploy-repo")
                || Boolean.TRUE.equals(job.data().get("publish"));
    }

    private void report(LegacyJob job, Progress progress) {
        if (running.contains(job.jobId())) {
            callbacks.accept(Callback.running(job.jobId(), job.attempt(), progress));
        }
    }

    private void finish(LegacyJob job, List<String> steps) {
        if (!running.remove(job.jobId())) {
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("simulated", true);
        result.put("success", true);
        result.put(outcomeFlag(job), true);
        result.put("task", job.task());
        result.put("steps", steps);
        result.put("branch", job.data().getOrDefault("branch", "main"));
        if (job.data().get("projectId") != null) {
            result.put("projectId", job.data().get("projectId"));
        }
        result.put(
                "message",
                "development mode without a reachable worker: nothing was processed, this result is simulated");
        callbacks.accept(Callback.completed(job.jobId(), job.attempt(), result, clock.instant(), delay.toMillis()));
    }

    /** The original's output flag: {@code cloned} for a clone, {@code deployed} for a deploy, else {@code imported}. */
    private static String outcomeFlag(LegacyJob job) {
        if (isDeploy(job)) {
            return "deployed";
        }
        return job.task().equals("acquire-user-repo") || job.task().equals("new-repo-from-template")
                ? "cloned"
                : "imported";
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
