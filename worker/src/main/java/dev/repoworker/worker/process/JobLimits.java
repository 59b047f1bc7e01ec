package dev.repoworker.worker.process;

import java.time.Duration;

/** How much the {@link JobExecutor} runs, holds and remembers, for how long, and how soon a run reports progress. */
public record JobLimits(
        int concurrency,
        int queueCapacity,
        Duration jobTimeout,
        Duration retention,
        int retentionMax,
        Duration firstProgressDelay) {}
