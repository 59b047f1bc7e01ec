package dev.repoworker.worker.task;

import dev.repoworker.protocol.TaskType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tasks this Worker can run, by wire name. */
public final class TaskRegistry {

    private final Map<TaskType, Task<?>> tasks = new EnumMap<>(TaskType.class);

    public TaskRegistry(List<? extends Task<?>> tasks) {
        tasks.forEach(task -> this.tasks.put(task.type(), task));
    }

    public Optional<Task<?>> find(TaskType type) {
        return Optional.ofNullable(tasks.get(type));
    }

    /**
     * The task for a wire name, or an exception naming the problem: unknown names and tasks this
     * build does not offer yet are both refused before admission.
     */
    public Task<?> resolve(String wireName) throws UnknownTaskException {
        TaskType type = TaskType.fromWire(wireName)
                .orElseThrow(() ->
                        new UnknownTaskException("task '" + wireName + "' is unknown; known tasks: " + available()));
        return find(type)
                .orElseThrow(() -> new UnknownTaskException(
                        "task '" + wireName + "' is not available on this worker; available: " + available()));
    }

    public String available() {
        return String.join(", ", tasks.keySet().stream().map(TaskType::wireName).toList());
    }
}
