package dev.repoworker.worker.pipeline;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.PublishFailedException;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.Timed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task declared as data: a list of {@link PipelineStep}s run in order on one {@link PipelineState}.
 * {@link #parse} reads every step's part of the data once, before admission; a {@code running} progress callback marks
 * each step boundary ({@code step, done, total}); the result holds one section per step with its
 * {@code durationMs}; a failing step fails the job as {@code "<step> failed: …"} and the job's partial
 * artifacts are removed. When the artifacts were written, the manifest is rewritten at the end so it
 * lists what the later steps added; a step that reads the published artifacts (a deploy) has them published just
 * before it runs, and when it is the last step that publish is the job's.
 */
public final class Pipeline implements Task<List<PipelineStep.Planned<?>>> {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final TaskType type;
    private final List<PipelineStep<?>> steps;
    private final ArtifactStore store;

    public Pipeline(TaskType type, List<PipelineStep<?>> steps, ArtifactStore store) {
        this.type = Objects.requireNonNull(type, "type");
        this.steps = List.copyOf(steps);
        this.store = Objects.requireNonNull(store, "store");
        if (this.steps.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one step");
        }
    }

    @Override
    public TaskType type() {
        return type;
    }

    /** The steps this job runs, each with its request. */
    @Override
    public List<PipelineStep.Planned<?>> parse(TaskData data) throws InvalidTaskDataException {
        List<PipelineStep.Planned<?>> planned = new ArrayList<>();
        for (PipelineStep<?> step : steps) {
            plan(step, data).ifPresent(planned::add);
        }
        return List.copyOf(planned);
    }

    private static <R> Optional<PipelineStep.Planned<?>> plan(PipelineStep<R> step, TaskData data)
            throws InvalidTaskDataException {
        return step.parse(data).map(request -> new PipelineStep.Planned<>(step, request));
    }

    @Override
    public PipelineResult run(TaskContext context, List<PipelineStep.Planned<?>> planned) throws Exception {
        PipelineState state = new PipelineState();
        Map<String, Timed<Object>> sections = new LinkedHashMap<>();
        int total = planned.size();
        long started = System.nanoTime();
        int publishedBefore = -1;
        for (int i = 0; i < total; i++) {
            PipelineStep.Planned<?> step = planned.get(i);
            context.checkCancelled();
            context.milestone(step.name(), i, total, "step " + (i + 1) + " of " + total + ": " + step.name());
            if (step.readsPublishedArtifacts()
                    && state.artifacts().isPresent()
                    && state.published().isEmpty()) {
                state.published(publish(context, state));
                publishedBefore = i;
            }
            long stepStarted = System.nanoTime();
            Object section;
            try {
                section = step.run(context, state);
            } catch (TaskFailedException e) {
                discard(context, state);
                String message = e.getMessage();
                throw new TaskFailedException(
                        message.startsWith(step.name() + " failed") ? message : step.name() + " failed: " + message, e);
            } catch (InterruptedException e) {
                discard(context, state);
                throw e;
            } catch (IOException | RuntimeException e) {
                discard(context, state);
                LOG.warn("job {}: pipeline step {} failed", context.jobId(), step.name(), e);
                throw new TaskFailedException(
                        step.name() + " failed: internal error (" + e.getClass().getSimpleName() + ")", e);
            }
            long durationMs = (System.nanoTime() - stepStarted) / 1_000_000;
            sections.put(step.name(), new Timed<>(section, durationMs));
            LOG.info("job {}: {} step {} done in {} ms", context.jobId(), type.wireName(), step.name(), durationMs);
        }
        // published before the last step, nothing was written after: the published set is complete
        StoredArtifacts manifest = publishedBefore == total - 1
                ? state.published().orElseThrow()
                : state.artifacts().isPresent() ? publish(context, state) : null;
        context.progress("done", total, total, "pipeline finished");
        return new PipelineResult(
                planned.stream().map(PipelineStep.Planned::name).toList(),
                manifest,
                sections,
                (System.nanoTime() - started) / 1_000_000);
    }

    private StoredArtifacts publish(TaskContext context, PipelineState state) throws TaskFailedException {
        try {
            return store.publish(context.jobId(), state.artifacts().orElseThrow());
        } catch (PublishFailedException e) {
            discard(context, state);
            throw new TaskFailedException(e.getMessage(), e);
        } catch (IOException e) {
            discard(context, state);
            throw new TaskFailedException(
                    "publishing the artifacts failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private void discard(TaskContext context, PipelineState state) {
        if (state.artifacts().isPresent()) {
            store.discard(context.jobId());
        }
    }
}
