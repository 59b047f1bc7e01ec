package dev.repoworker.worker.process;

import dev.repoworker.worker.WorkerConfig;
import java.time.Duration;

/** How much the {@link JobExecutor} runs, holds and remembers, and for how long. */
public record JobLimits(int concurrency, int queueCapacity, Duration jobTimeout, Duration retention, int retentionMax) {

    public static JobLimits fromConfig(WorkerConfig config) {
        return new JobLimits(config.concurrency(), config.queueCapacity(), config.jobTimeout(), config.resultRetention(),
                config.resultRetentionMax());
    }
}
