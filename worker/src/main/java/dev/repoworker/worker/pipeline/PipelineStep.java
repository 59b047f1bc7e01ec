package dev.repoworker.worker.pipeline;

import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import java.util.Optional;

/**
 * One named step of a {@link Pipeline}: reads its part of the job's data once, before admission, then runs with that
 * request on the shared state.
 *
 * @param <R> what the step reads from the job's data
 */
public interface PipelineStep<R> {

    /** The wire name of the step: {@code acquire}, {@code template}, {@code build-assets}, … */
    String name();

    /**
     * Checks and reads the fields this step will use (problems name the field: a 400 before admission); empty when
     * this job does not run the step at all (an optional step such as {@code publish} looks at its data).
     */
    Optional<R> parse(TaskData data) throws InvalidTaskDataException;

    /**
     * Runs the step; the returned record becomes {@code result.steps.<name>}, followed by the step's
     * {@code durationMs} that the pipeline measures.
     */
    Object run(TaskContext context, PipelineState state, R request) throws Exception;

    /**
     * Whether the step reads the job's artifacts as the artifact store publishes them (a deploy copies them inside the
     * bucket): the pipeline publishes them just before the step runs rather than after the last step.
     */
    default boolean readsPublishedArtifacts() {
        return false;
    }

    /** A step with the request it parsed, ready to run. */
    record Planned<R>(PipelineStep<R> step, R request) {

        public String name() {
            return step.name();
        }

        Object run(TaskContext context, PipelineState state) throws Exception {
            return step.run(context, state, request);
        }

        boolean readsPublishedArtifacts() {
            return step.readsPublishedArtifacts();
        }
    }
}
