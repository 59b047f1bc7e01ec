package dev.repoworker.worker.deploy;

import dev.repoworker.protocol.Json;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Published deploys: a job's artifacts copied to {@code <root>/projects/<projectId>/<jobId>/}, and
 * {@code active.json}, the project's pointer to the deploy that serves. The pointer only moves forward:
 * a deploy requested earlier than the active one (a late, slow, older deploy) is published but never
 * becomes active. Pointer updates hold a file lock, so concurrent deploys on one machine take turns.
 */
public final class Deployments {

    public static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final String ACTIVE = "active.json";
    private static final java.util.concurrent.ConcurrentMap<Path, java.util.concurrent.locks.ReentrantLock> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path projects;

    public Deployments(Path artifactsRoot) {
        this.projects = artifactsRoot.toAbsolutePath().normalize().resolve("projects");
    }

    public static boolean validProjectId(String projectId) {
        return PROJECT_ID.matcher(projectId).matches() && !projectId.contains("..");
    }

    /**
     * @param requestedAt when the deploy was asked for; it orders deploys of one project
     * @return {location, active, activeJobId}
     */
    public Map<String, Object> publish(String projectId, String jobId, Path artifacts, Instant requestedAt)
            throws TaskFailedException, IOException {
        if (!validProjectId(projectId)) {
            throw new TaskFailedException("projectId must be 1 to 128 characters of A-Z a-z 0-9 . _ -");
        }
        Manifest.write(artifacts);
        Path project = Files.createDirectories(projects.resolve(projectId));
        Path target = project.resolve(jobId);
        Path staging = project.resolve("." + jobId + ".staging");
        Workspaces.copyTree(artifacts, staging);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        boolean active;
        String activeJob;
        // A file lock keeps other processes out; threads of this JVM queue on the project's own lock first.
        java.util.concurrent.locks.ReentrantLock local = LOCKS.computeIfAbsent(project, p -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(project.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Map<?, ?> current = Files.exists(project.resolve(ACTIVE))
                    ? Json.mapper().readValue(project.resolve(ACTIVE).toFile(), Map.class) : Map.of();
            Instant currentAt = current.get("requestedAt") == null ? Instant.MIN : Instant.parse((String) current.get("requestedAt"));
            active = !requestedAt.isBefore(currentAt);
            if (active) {
                Map<String, Object> pointer = new LinkedHashMap<>();
                pointer.put("jobId", jobId);
                pointer.put("requestedAt", requestedAt.toString());
                pointer.put("location", "projects/" + projectId + "/" + jobId);
                Path temporary = project.resolve(ACTIVE + ".tmp");
                Files.write(temporary, Json.writeBytes(pointer));
                Files.move(temporary, project.resolve(ACTIVE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                activeJob = jobId;
            } else {
                activeJob = String.valueOf(current.get("jobId"));
            }
        } finally {
            local.unlock();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("projectId", projectId);
        summary.put("location", "projects/" + projectId + "/" + jobId);
        summary.put("active", active);
        summary.put("activeJobId", activeJob);
        return summary;
    }

}
