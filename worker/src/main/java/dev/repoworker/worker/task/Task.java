package dev.repoworker.worker.task;

import dev.repoworker.protocol.TaskType;

/**
 * One kind of work the Worker can run: {@link #parse} turns a job's {@code data} into the task's typed request
 * (the only validation), {@link #run} does the work with it. Implementations are stateless and safe to share.
 *
 * @param <R> the task's request: everything it reads from {@code data}, already checked
 */
public interface Task<R> {

    TaskType type();

    /** Checks and reads {@code data} before the job is admitted, so bad input is a 400 naming the field and never a failed job. */
    R parse(TaskData data) throws InvalidTaskDataException;

    /**
     * Runs the task in the job's own workspace. Cancellation and timeouts interrupt the running
     * thread: long steps must stop promptly when interrupted ({@link TaskContext#checkCancelled()}).
     *
     * @throws TaskFailedException with a message fit for the callback's {@code error}
     */
    TaskResult run(TaskContext context, R request) throws Exception;

    /** {@link #parse}d and ready to run: what admission keeps for the job. */
    default ParsedTask<R> admit(TaskData data) throws InvalidTaskDataException {
        return new ParsedTask<>(this, parse(data));
    }
}
