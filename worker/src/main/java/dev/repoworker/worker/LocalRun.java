package dev.repoworker.worker;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.process.TaskRunner;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ParsedTask;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskRegistry;
import dev.repoworker.worker.task.TaskResult;
import dev.repoworker.worker.task.UnknownTaskException;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one task in this process with no servers and no callback — the local {@code repo-worker
 * process} command — using the Worker's own registry, validation, workspaces and artifact store.
 * The artifacts end up in {@code ARTIFACTS_DIR/<jobId>/}.
 */
public final class LocalRun {

    private final WorkerConfig config;

    public LocalRun(WorkerConfig config) {
        this.config = config;
    }

    /**
     * @throws UnknownTaskException    the task is not offered
     * @throws InvalidTaskDataException the data is unusable (names the field)
     * @throws TaskFailedException      the task ran and failed
     */
    public TaskResult run(String jobId, TaskType type, Map<String, Object> data, ProgressListener progress)
            throws UnknownTaskException, InvalidTaskDataException, TaskFailedException, InterruptedException {
        try (WorkerRoot root = WorkerRoot.of(config)) {
            return run(jobId, type, data, progress, root.tasks());
        }
    }

    private TaskResult run(
            String jobId, TaskType type, Map<String, Object> data, ProgressListener progress, TaskRegistry tasks)
            throws UnknownTaskException, InvalidTaskDataException, TaskFailedException, InterruptedException {
        ParsedTask<?> task = tasks.resolve(type.wireName()).admit(new TaskData(data));
        TaskRunner runner = new TaskRunner(new Workspaces(config.tempDir(), config.keepTmpFiles()));
        return runner.run(
                jobId,
                type.wireName(),
                task,
                progress,
                CLONES.contains(type)
                        ? (workspace, result) -> keepClone(workspace, jobId)
                        : TaskRunner.BeforeRelease.NOTHING);
    }

    /** Tasks whose product is the clone itself: a local run keeps it as the job's artifacts. */
    private static final java.util.Set<TaskType> CLONES =
            java.util.EnumSet.of(TaskType.ACQUIRE_USER_REPO, TaskType.NEW_REPO_FROM_TEMPLATE);

    private void keepClone(Path workspace, String jobId) throws java.io.IOException {
        Path clone = workspace.resolve("repo");
        if (java.nio.file.Files.isDirectory(clone)) {
            java.nio.file.Files.createDirectories(artifacts(jobId).getParent());
            java.nio.file.Files.move(clone, artifacts(jobId));
        }
    }

    /** Where {@link #run} left a job's artifacts. */
    public Path artifacts(String jobId) {
        return config.artifactsDir().resolve(jobId);
    }

    /** True when {@code dir} does not exist, is empty, or holds an earlier build (a manifest.json). */
    public static boolean replaceable(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty() || Files.isRegularFile(dir.resolve("manifest.json"));
        }
    }
}
