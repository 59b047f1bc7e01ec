package dev.repoworker.worker.diagnostic;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import java.util.Optional;

/**
 * {@code noop}: waits {@code data.durationMs} (interruptibly), then completes, or fails with
 * {@code data.fail}. For fault tests and benchmarks of the job machinery; only registered when
 * {@code ENABLE_DIAGNOSTIC_TASKS=true}.
 */
public final class NoopTask implements Task<NoopTask.Request> {

    /** How long to wait, and the failure to report after it, if any. */
    public record Request(int durationMs, Optional<String> failure) {}

    /** {@code {waitedMs}}. */
    public record Waited(int waitedMs) implements TaskResult {}

    private static final int MAX_DURATION_MS = 3_600_000;

    @Override
    public TaskType type() {
        return TaskType.NOOP;
    }

    @Override
    public Request parse(TaskData data) throws InvalidTaskDataException {
        return new Request(data.optionalInt("durationMs", 0, 0, MAX_DURATION_MS), data.optionalString("fail"));
    }

    @Override
    public Waited run(TaskContext context, Request request) throws Exception {
        int durationMs = request.durationMs();
        context.progress("noop", 0, 1, "waiting " + durationMs + " ms");
        Thread.sleep(durationMs);
        context.checkCancelled();
        if (request.failure().isPresent()) {
            throw new TaskFailedException(request.failure().get());
        }
        context.progress("noop", 1, 1, "done");
        return new Waited(durationMs);
    }
}
