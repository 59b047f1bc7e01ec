package dev.repoworker.api.dispatch;

import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.protocol.TaskType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The one place that turns a task name from a client into a Worker task and its data. Any Worker
 * wire name passes through unchanged; the original API's names are translated. Adding a task type
 * is one entry in {@link #apiTasks}. Repository URLs that every Worker would refuse are refused here
 * already ({@link RepositoryUrls}); the Worker's own policy decides the rest.
 */
public final class TaskMapping {

    /** What the Worker is asked to do. */
    public record Mapped(String workerTask, Map<String, Object> data) {}

    private record Translation(TaskType workerTask, BiFunction<TaskMapping, TaskFields, Map<String, Object>> data) {}

    private static final Map<String, Translation> apiTasks = Map.of(
            "clone-repo", new Translation(TaskType.ACQUIRE_USER_REPO, TaskMapping::cloneRepo),
            "import-repo", new Translation(TaskType.PROCESS_WITH_REPO, TaskMapping::importRepo),
            "deploy-repo", new Translation(TaskType.DEPLOY_REPO, TaskMapping::deployRepo));

    /** The original API's job type names, each for the task its jobs were created with (its createRepo…Job). */
    private static final Map<String, String> originalTypes = Map.of(
            "repo_clone", "clone-repo",
            "repo_import", "import-repo",
            "repo_deploy", "deploy-repo");

    private final String gitHostUrl;
    private final TaskDataRules rules;
    private final Clock clock;

    public TaskMapping(String gitHostUrl, TaskDataRules rules, Clock clock) {
        this.gitHostUrl = gitHostUrl;
        this.rules = rules;
        this.clock = clock;
    }

    public Mapped map(String task, Map<String, Object> data) {
        if (task == null || task.isBlank()) {
            throw new InvalidInputException("task", "task is required");
        }
        Translation translation = apiTasks.get(task);
        if (translation != null) {
            return checked(
                    task,
                    new Mapped(
                            translation.workerTask().wireName(),
                            translation.data().apply(this, new TaskFields(data))));
        }
        Optional<TaskType> workerTask = TaskType.fromWire(task);
        if (workerTask.isPresent()) {
            new TaskFields(data).checkRepositoryUrls();
            return checked(task, new Mapped(workerTask.get().wireName(), data));
        }
        throw unknown(task);
    }

    /** A listing's {@code type}: an original type name ({@code repo_clone} …) means its task; any other name is itself. */
    public static String taskOfType(String type) {
        return originalTypes.getOrDefault(type, type);
    }

    /** The Worker's own rules for the task's data, applied before the job is recorded. */
    private Mapped checked(String task, Mapped mapped) {
        try {
            rules.check(mapped.workerTask(), mapped.data());
            return mapped;
        } catch (TaskDataRules.Violation v) {
            throw v.field().equals("task") ? unknown(task) : new InvalidInputException(v.field(), v.getMessage());
        }
    }

    private static InvalidInputException unknown(String task) {
        return new InvalidInputException(
                "task",
                "unknown task '" + task + "'; use one of "
                        + String.join(", ", apiTasks.keySet().stream().sorted().toList()) + ", "
                        + TaskType.publicWireNames());
    }

    private Map<String, Object> cloneRepo(TaskFields fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repoUrl", gitHostUrl + "/" + fields.name("owner") + "/" + fields.name("repoName"));
        putIfPresent(out, "branch", fields.branch());
        out.put("depth", 1);
        putIfPresent(out, "gitToken", fields.optionalText("gitToken"));
        return out;
    }

    private Map<String, Object> importRepo(TaskFields fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repoUrl", fields.url("sourceUrl", true));
        putIfPresent(out, "branch", fields.branch());
        out.put("depth", 1);
        putIfPresent(out, "gitToken", fields.optionalText("gitToken"));
        return out;
    }

    private Map<String, Object> deployRepo(TaskFields fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repoUrl", deploySource(fields));
        putIfPresent(out, "branch", fields.branch());
        String commit = fields.commit();
        putIfPresent(out, "commit", commit);
        if (commit == null) {
            out.put("depth", 1);
        }
        putIfPresent(out, "gitToken", fields.optionalText("gitToken"));
        out.put("projectId", fields.requiredText("projectId"));
        putIfPresent(out, "notePrefix", fields.optionalText("notePrefix"));
        String mediaPrefix = fields.optionalText("mediaPrefix");
        out.put("mediaPrefix", mediaPrefix == null ? "/_repo/medias" : mediaPrefix);
        putIfPresent(out, "domain", fields.optionalText("domain"));
        putIfPresent(out, "repositoryFolder", fields.optionalText("repositoryFolder"));
        putIfPresent(out, "ignoreFiles", fields.textList("ignoreFiles"));
        putIfPresent(out, "triggeredBy", fields.optionalText("triggeredBy"));
        // the Worker's deploy-repo publishes and moves the project's active pointer only forward, in request order
        out.put("deployRequestedAt", clock.instant().toString());
        return out;
    }

    /** A deploy names its repository by {@code repoUrl}, {@code sourceUrl} or {@code owner}+{@code repoName}. */
    private String deploySource(TaskFields fields) {
        String url = fields.url("repoUrl", false);
        if (url == null) {
            url = fields.url("sourceUrl", false);
        }
        if (url != null) {
            return url;
        }
        if (fields.optionalText("owner") == null && fields.optionalText("repoName") == null) {
            throw new InvalidInputException(
                    "data.repoUrl", "data.repoUrl (or data.sourceUrl, or data.owner and data.repoName) is required");
        }
        return gitHostUrl + "/" + fields.name("owner") + "/" + fields.name("repoName");
    }

    private static void putIfPresent(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
