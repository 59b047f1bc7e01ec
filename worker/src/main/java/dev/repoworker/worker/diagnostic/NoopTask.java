package dev.repoworker.worker.diagnostic;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import java.util.Map;

/**
 * {@code noop}: waits {@code data.durationMs} (interruptibly), then completes, or fails with
 * {@code data.fail}. For fault tests and benchmarks of the job machinery; only registered when
 * {@code ENABLE_DIAGNOSTIC_TASKS=true}.
 */
public final class NoopTask implements Task {

    private static final int MAX_DURATION_MS = 3_600_000;

    @Override
    public TaskType type() {
        return TaskType.NOOP;
    }

    @Override
    public void validate(TaskData data) throws InvalidTaskDataException {
        data.optionalInt("durationMs", 0, 0, MAX_DURATION_MS);
        data.optionalString("fail");
    }

    @Override
    public TaskResult run(TaskContext context) throws Exception {
        int durationMs = context.data().optionalInt("durationMs", 0, 0, MAX_DURATION_MS);
        context.progress("noop", 0, 1, "waiting " + durationMs + " ms");
        Thread.sleep(durationMs);
        context.checkCancelled();
        String failure = context.data().optionalString("fail").orElse(null);
        if (failure != null) {
            throw new TaskFailedException(failure);
        }
        context.progress("noop", 1, 1, "done");
        return new TaskResult(Map.of("waitedMs", durationMs));
    }
}
