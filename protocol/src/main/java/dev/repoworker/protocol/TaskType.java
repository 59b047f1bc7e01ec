package dev.repoworker.protocol;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Worker's tasks, with the kebab-case names used on the wire. */
public enum TaskType {
    ACQUIRE_USER_REPO("acquire-user-repo"),
    NEW_REPO_FROM_TEMPLATE("new-repo-from-template"),
    BUILD_ASSETS("build-assets"),
    COMPUTE_EMBEDDINGS("compute-embeddings"),
    ENRICH_DATA("enrich-data"),
    PROCESS_ALL("process-all"),
    PROCESS_WITH_REPO("process-with-repo"),
    PROCESS_FROM_TEMPLATE("process-from-template"),
    /** The original API's deploy: process-with-repo, then publish to {@code data.projectId} (always). */
    DEPLOY_REPO("deploy-repo"),
    /** Diagnostic: waits, then completes or fails as asked. Offered only with ENABLE_DIAGNOSTIC_TASKS=true. */
    NOOP("noop");

    private final String wireName;

    TaskType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TaskType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(TaskType::wireName).collect(Collectors.joining(", "));
    }

    /** Every task but the diagnostic one, as offered to users. */
    public static String publicWireNames() {
        return Arrays.stream(values())
                .filter(t -> t != NOOP)
                .map(TaskType::wireName)
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
