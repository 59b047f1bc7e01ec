package dev.repoworker.worker.task;

import dev.repoworker.protocol.TaskType;

/** One kind of work the Worker can run. Implementations are stateless and safe to share between jobs. */
public interface Task {

    TaskType type();

    /** Checks {@code data} before the job is admitted, so bad input is a 400 and never a failed job. */
    void validate(TaskData data) throws InvalidTaskDataException;

    /**
     * Runs the task in the job's own workspace. Cancellation and timeouts interrupt the running
     * thread: long steps must stop promptly when interrupted ({@link TaskContext#checkCancelled()}).
     *
     * @throws TaskFailedException with a message fit for the callback's {@code error}
     */
    TaskResult run(TaskContext context) throws Exception;
}
