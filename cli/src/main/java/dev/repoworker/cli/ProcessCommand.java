package dev.repoworker.cli;

import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.LocalRun;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import dev.repoworker.worker.task.UnknownTaskException;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "process",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a task on a repository in this process — no servers — and writes the artifacts to --out.",
            "The repository is a local folder or a Git URL (https, or file:). Shows a progress bar per phase on a "
                    + "terminal, plain lines otherwise; prints the summary. Keeps what it can reuse (media variants, "
                    + "rendered notes, chunk vectors, the last run's record) in a cache folder, so a run on an unchanged "
                    + "folder reuses --out and a run after a few edits renders and embeds only the changed notes. "
                    + "acquire-user-repo and new-repo-from-template leave the clone in --out. "
                    + "Exit status: 0 completed, 1 failed, 2 bad input."
        })
final class ProcessCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "A local folder, or a repository URL.")
    String repository;

    @Option(
            names = "--out",
            required = true,
            description = "Where the artifacts go (created; an earlier build there is replaced).")
    Path out;

    @Option(
            names = "--task",
            defaultValue = "build-assets",
            description = "The task to run (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--branch", description = "Branch to clone, for a repository URL.")
    String branch;

    @Option(
            names = "--data",
            defaultValue = "{}",
            description = "More task data as a JSON object (e.g. {\"includePrivate\":false}).")
    String extraData;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description =
                    "The cache folder (default: " + CacheFolder.DEFAULT_NAME
                            + " beside --out, so per project). A cache of another format is emptied; a folder that is not a cache is refused.")
    Path cache;

    @Option(names = "--no-cache", description = "Reuse nothing and keep nothing: every run starts from scratch.")
    boolean noCache;

    @Option(
            names = "--json",
            description =
                    "Print the summary as one line of JSON (a failed task as {\"status\":\"failed\",\"error\":…}), for scripts.")
    boolean json;

    /** Bad input or an unusable --out or cache: one line on stderr and exit status 2. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** What a run works from, checked before anything runs. {@code cacheDir} is null with --no-cache. */
    private record Plan(TaskType type, Map<String, Object> data, Path cacheDir, Optional<String> inputs) {}

    @Override
    public Integer call() throws InterruptedException {
        Plan plan;
        Path scratch;
        WorkerConfig config;
        try {
            plan = plan();
            if (plan.inputs().isPresent()
                    && reusedLastRun(plan.cacheDir(), plan.inputs().get())) {
                return 0;
            }
            // Inside the cache folder the scratch space is on the same disk as --out (usually), so publishing is a
            // rename.
            scratch = plan.cacheDir() == null
                    ? Files.createTempDirectory("repo-worker-process")
                    : Files.createTempDirectory(
                            Files.createDirectories(plan.cacheDir().resolve("tmp")), "run-");
            config = WorkerConfig.fromEnv(
                    env(scratch, plan.cacheDir() == null ? scratch.resolve("tmp") : plan.cacheDir()));
        } catch (Refused | CacheFolder.Unusable | IllegalArgumentException | InvalidConfigException | IOException e) {
            System.err.println("repo-worker process: " + e.getMessage());
            return 2;
        }
        try {
            return run(plan, new LocalRun(config));
        } finally {
            deleteQuietly(scratch);
        }
    }

    private Plan plan() throws Refused, CacheFolder.Unusable, IOException, InterruptedException {
        TaskType type = TaskType.fromWire(task)
                .orElseThrow(() -> new Refused("unknown task '" + task + "'; known tasks: " + TaskType.allWireNames()));
        if (noCache && cache != null) {
            throw new Refused("--cache and --no-cache exclude each other");
        }
        if (!LocalRun.replaceable(out)) {
            throw new Refused(out + " is not empty and holds no earlier build; choose another --out");
        }
        Map<String, Object> data = data();
        Path cacheDir = noCache ? null : CacheFolder.open(cache != null ? cache : CacheFolder.beside(out), System.err);
        return new Plan(type, data, cacheDir, inputs(cacheDir, data));
    }

    private int run(Plan plan, LocalRun run) throws InterruptedException {
        String jobId = "local-" + Long.toString(System.currentTimeMillis(), 36);
        PhaseProgress progress = new PhaseProgress(System.err, Terminal.isInteractive());
        try {
            Map<String, Object> summary =
                    published(runTask(plan, run, jobId, progress).summary());
            printSummary(summary);
            if (plan.inputs().isPresent()) {
                remember(plan.cacheDir(), plan.inputs().get(), summary);
            }
            System.err.println("completed: artifacts in " + out.toAbsolutePath());
            return 0;
        } catch (UnknownTaskException | InvalidTaskDataException e) {
            progress.end();
            System.err.println("repo-worker process: " + e.getMessage());
            return 2;
        } catch (TaskFailedException e) {
            progress.end();
            if (json) {
                System.out.println(Json.write(Map.of("status", "failed", "error", e.getMessage())));
            }
            System.err.println("failed: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            progress.end();
            System.err.println("repo-worker process: could not write " + out + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Runs the task and publishes its artifacts to --out. A task that works on a build gets the one in --out, or
     * one made first, and its artifacts join that build's.
     */
    private TaskResult runTask(Plan plan, LocalRun run, String jobId, PhaseProgress progress)
            throws UnknownTaskException, InvalidTaskDataException, TaskFailedException, IOException,
                    InterruptedException {
        if (!ON_A_BUILD.contains(plan.type())) {
            TaskResult result = run.run(jobId, plan.type(), plan.data(), progress);
            progress.end();
            publish(run.artifacts(jobId), out);
            return result;
        }
        String buildId = jobId + "-build";
        if (Files.isRegularFile(out.resolve("posts.json"))) {
            Workspaces.copyTree(out, run.artifacts(buildId));
        } else {
            run.run(buildId, TaskType.BUILD_ASSETS, plan.data(), progress);
        }
        TaskResult result = run.run(jobId, plan.type(), Map.of("artifactsOf", buildId), progress);
        Workspaces.copyTree(run.artifacts(jobId), run.artifacts(buildId));
        Manifest.write(run.artifacts(buildId));
        progress.end();
        publish(run.artifacts(buildId), out);
        return result;
    }

    /** The fingerprint of this run's inputs when it can be compared: a local folder and a cache to keep it in. */
    private Optional<String> inputs(Path cacheDir, Map<String, Object> data) throws IOException, InterruptedException {
        if (cacheDir == null || !data.containsKey("repoPath")) {
            return Optional.empty();
        }
        return Optional.of(LastRun.inputs(Path.of((String) data.get("repoPath")), task, data, System.getenv()));
    }

    /** True (and the last summary printed) when the last run into --out had these inputs and --out is as it left it. */
    private boolean reusedLastRun(Path cacheDir, String inputs) throws IOException {
        Optional<LastRun> last = LastRun.read(cacheDir, out);
        if (last.isEmpty()
                || !last.get().inputs().equals(inputs)
                || !last.get().output().equals(LastRun.output(out))) {
            return false;
        }
        printSummary(last.get().summary());
        System.err.println(
                "cache: nothing changed since the last run into " + out.toAbsolutePath() + "; its artifacts are kept");
        System.err.println("completed: artifacts in " + out.toAbsolutePath());
        return true;
    }

    /** The run's summary on stdout: indented for people, or with --json on one line for scripts. */
    private void printSummary(Object summary) throws IOException {
        System.out.println(
                json
                        ? Json.write(summary)
                        : Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }

    /** The summary with the manifest where it now is: in --out, not in the scratch store it was written to. */
    private Map<String, Object> published(Map<String, Object> summary) {
        if (!(summary.get("manifest") instanceof Map<?, ?> manifest)) {
            return summary;
        }
        Map<String, Object> moved = new LinkedHashMap<>();
        manifest.forEach((k, v) -> moved.put(String.valueOf(k), v));
        moved.put(
                "location",
                out.resolve(Manifest.FILE_NAME).toAbsolutePath().normalize().toString());
        Map<String, Object> copy = new LinkedHashMap<>(summary);
        copy.put("manifest", moved);
        return copy;
    }

    private void remember(Path cacheDir, String inputs, Map<String, Object> summary) {
        try {
            new LastRun(inputs, LastRun.output(out), Json.mapper().valueToTree(summary)).write(cacheDir, out);
        } catch (IOException e) {
            System.err.println(
                    "cache: could not record this run, the next one will not be skipped (" + e.getMessage() + ")");
        }
    }

    /** Tasks that work on an earlier build: the build is made first unless --out already holds one. */
    private static final java.util.Set<TaskType> ON_A_BUILD =
            java.util.EnumSet.of(TaskType.COMPUTE_EMBEDDINGS, TaskType.ENRICH_DATA);

    private Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        try {
            Map<?, ?> extra = Json.mapper().readValue(extraData, Map.class);
            extra.forEach((k, v) -> data.put(String.valueOf(k), v));
        } catch (IOException e) {
            throw new IllegalArgumentException("--data must be a JSON object");
        }
        Path local = Path.of(repository);
        if (!repository.contains("://") && Files.isDirectory(local)) {
            data.put("repoPath", local.toAbsolutePath().normalize().toString());
        } else if (repository.contains("://")) {
            data.put("repoUrl", repository);
            if (branch != null) {
                data.put("branch", branch);
            }
        } else {
            throw new IllegalArgumentException("'" + repository + "' is neither a folder nor a repository URL");
        }
        return data;
    }

    /**
     * The Worker's configuration for a local run: local folders and file: URLs allowed, scratch space in a temp folder,
     * every cache in {@code cacheDir}.
     */
    private static Map<String, String> env(Path scratch, Path cacheDir) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("WORKER_INSECURE_DEV", "true");
        env.putIfAbsent("ALLOW_FILE_REPOS", "true");
        env.put("TEMP_DIR", scratch.resolve("tmp").toString());
        env.put("ARTIFACTS_DIR", scratch.resolve("artifacts").toString());
        env.put("CACHE_DIR", cacheDir.toString());
        env.remove("EMBEDDINGS_CACHE_DIR");
        env.remove("PORT");
        return env;
    }

    private static void publish(Path artifacts, Path out) throws IOException {
        if (Files.exists(out)) {
            Workspaces.deleteTree(out);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        try {
            Files.move(artifacts, out);
        } catch (IOException crossDevice) {
            Workspaces.copyTree(artifacts, out);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            if (dir != null && Files.exists(dir)) {
                Workspaces.deleteTree(dir);
            }
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
