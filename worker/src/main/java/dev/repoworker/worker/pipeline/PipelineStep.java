package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import java.util.Map;

/** One named step of a {@link Pipeline}: checks its part of the job's data up front, then runs on the shared state. */
public interface PipelineStep {

    /** The wire name of the step: {@code acquire}, {@code template}, {@code build-assets}, … */
    String name();

    /** Whether this job runs the step at all (an optional step such as {@code publish} looks at its data). */
    default boolean appliesTo(TaskData data) {
        return true;
    }

    /** Checks the fields this step will read; problems name the field (a 400 before admission). */
    void validate(TaskData data) throws InvalidTaskDataException;

    /** Runs the step; the returned summary becomes {@code result.steps.<name>} (timing is added by the pipeline). */
    Map<String, Object> run(TaskContext context, PipelineState state) throws Exception;
}
