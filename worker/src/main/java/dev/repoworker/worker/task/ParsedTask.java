package dev.repoworker.worker.task;

/** A task with the request its data was parsed into at admission; running it never reads the data again. */
public record ParsedTask<R>(Task<R> task, R request) {

    public TaskResult run(TaskContext context) throws Exception {
        return task.run(context, request);
    }
}
