package dev.repoworker.worker.task;

import dev.repoworker.protocol.TaskDataRules;
import java.util.Map;

/**
 * The Worker's tasks' own validation, for the API to apply at submission: every rule of every task, with
 * repository URLs checked for their form only (which hosts a Worker allows, and where they resolve, are that
 * Worker's to decide when the job arrives).
 */
public final class WorkerTaskRules implements TaskDataRules {

    private final TaskRegistry registry;

    public WorkerTaskRules(TaskRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void check(String task, Map<String, Object> data) throws Violation {
        Task<?> resolved;
        try {
            resolved = registry.resolve(task);
        } catch (UnknownTaskException e) {
            throw new Violation("task", e.getMessage());
        }
        try {
            resolved.parse(new TaskData(data));
        } catch (InvalidTaskDataException e) {
            throw new Violation(e.field(), e.getMessage());
        }
    }
}
