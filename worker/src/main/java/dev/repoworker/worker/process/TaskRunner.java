package dev.repoworker.worker.process;

import dev.repoworker.worker.task.ParsedTask;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a parsed task in a fresh workspace of its own that is released afterwards whatever happens; an unexpected
 * exception or error becomes a {@link TaskFailedException} {@code "internal error in task <task>: <type>"}. The
 * {@link JobExecutor}'s runs and the local {@code process} command ({@code LocalRun}) both run tasks through it.
 */
public final class TaskRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    /** What to take from the workspace before it is released (the local run keeps a clone). */
    @FunctionalInterface
    public interface BeforeRelease {
        BeforeRelease NOTHING = (workspace, result) -> {};

        void take(Path workspace, TaskResult result) throws IOException;
    }

    private final Workspaces workspaces;

    public TaskRunner(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    public TaskResult run(String jobId, String taskName, ParsedTask<?> task, ProgressListener progress)
            throws TaskFailedException, InterruptedException {
        return run(jobId, taskName, task, progress, BeforeRelease.NOTHING);
    }

    public TaskResult run(
            String jobId, String taskName, ParsedTask<?> task, ProgressListener progress, BeforeRelease beforeRelease)
            throws TaskFailedException, InterruptedException {
        Path workspace = null;
        try {
            workspace = workspaces.create(jobId);
            TaskResult result = task.run(new TaskContext(jobId, workspace, progress));
            beforeRelease.take(workspace, result);
            return result;
        } catch (TaskFailedException | InterruptedException e) {
            throw e;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            LOG.error("job {} failed unexpectedly", jobId, e);
            throw new TaskFailedException(
                    "internal error in task " + taskName + ": " + e.getClass().getSimpleName(), e);
        } finally {
            Thread.interrupted(); // a cancel's or timeout's interrupt has done its work; the release must not see it
            workspaces.release(workspace);
        }
    }
}
