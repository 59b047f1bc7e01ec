package dev.repoworker.worker.deploy;

import com.fasterxml.jackson.core.JacksonException;
import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.PublishFailedException;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.deploy.DeployStore.StoredFiles;
import dev.repoworker.worker.deploy.DeployStore.VersionedPointer;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Published deploys: a job's artifacts under {@code projects/{projectId}/{jobId}/}, and {@code active.json}, the
 * project's pointer to the deploy that serves. The pointer only moves forward in {@code requestedAt} order (ties by
 * job id): a deploy requested earlier than the active one (a late, slow, older deploy) is published but never becomes
 * active. The pointer is replaced by compare-and-set: on a conflict the deploy reads it again and decides again.
 */
public final class Deployments {

    public static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final String ACTIVE = "active.json";
    /** Each conflict means another deploy moved the pointer, so a few rounds settle any realistic number of them. */
    static final int POINTER_ATTEMPTS = 10;

    private final DeployStore store;

    public Deployments(DeployStore store) {
        this.store = store;
    }

    public static boolean validProjectId(String projectId) {
        return projectId != null && PROJECT_ID.matcher(projectId).matches() && !projectId.contains("..");
    }

    static String location(String projectId, String jobId) {
        return "projects/" + projectId + "/" + jobId;
    }

    /** A deploy of artifacts the artifact store has not published (every file is uploaded). */
    public PublishedDeploy publish(String projectId, String jobId, Path artifacts, Instant requestedAt, int pages)
            throws TaskFailedException, IOException {
        return publish(projectId, jobId, artifacts, requestedAt, pages, Optional.empty());
    }

    /**
     * @param requestedAt when the deploy was asked for; it orders deploys of one project
     * @param pages       the number of posts the deploy holds
     * @param published   the job's artifacts as the artifact store published them, when it did before this deploy
     */
    public PublishedDeploy publish(
            String projectId,
            String jobId,
            Path artifacts,
            Instant requestedAt,
            int pages,
            Optional<StoredArtifacts> published)
            throws TaskFailedException, IOException {
        Manifest.Content content = checked(projectId, jobId, artifacts);
        try {
            StoredFiles stored = store.publishFiles(projectId, jobId, artifacts, content, published);
            String activeJobId = moveForward(projectId, ActivePointer.of(projectId, jobId, requestedAt));
            return new PublishedDeploy(
                    projectId,
                    jobId,
                    location(projectId, jobId),
                    activeJobId.equals(jobId),
                    activeJobId,
                    requestedAt.toString(),
                    store.kind(),
                    PublishedDeploy.Stats.of(pages, stored));
        } catch (PublishFailedException e) {
            throw new TaskFailedException(e.getMessage(), e);
        }
    }

    /** The job id the pointer names once {@code candidate} has had its chance. */
    private String moveForward(String projectId, ActivePointer candidate) throws IOException, TaskFailedException {
        for (int attempt = 0; attempt < POINTER_ATTEMPTS; attempt++) {
            Optional<VersionedPointer> current = readPointer(projectId);
            if (current.isPresent() && !candidate.mayReplace(current.get().pointer())) {
                return current.get().pointer().jobId();
            }
            if (store.replacePointer(projectId, candidate, current.map(VersionedPointer::version))) {
                return candidate.jobId();
            }
        }
        throw new TaskFailedException("the active pointer of project " + projectId + " changed " + POINTER_ATTEMPTS
                + " times while this deploy tried to move it; the deploy is published at "
                + location(projectId, candidate.jobId()) + " but not active");
    }

    /** A pointer nobody can order against is not overwritten: an operator looks at it first. */
    private Optional<VersionedPointer> readPointer(String projectId) throws IOException, TaskFailedException {
        try {
            return store.readPointer(projectId);
        } catch (JacksonException e) {
            throw new TaskFailedException(
                    "projects/" + projectId + "/" + ACTIVE + " is not a pointer {jobId, requestedAt, location} ("
                            + e.getOriginalMessage() + "); it was left as it is");
        }
    }

    /** Refuses ids and paths that could name anything outside the project's folder; writes the manifest. */
    private static Manifest.Content checked(String projectId, String jobId, Path artifacts)
            throws TaskFailedException, IOException {
        if (!validProjectId(projectId)) {
            throw new TaskFailedException("projectId must be 1 to 128 characters of A-Z a-z 0-9 . _ -");
        }
        try {
            ObjectKeys.jobFolder("", jobId);
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException("cannot deploy: " + e.getMessage());
        }
        Manifest.Content content = Manifest.write(artifacts);
        for (Manifest.Entry entry : content.entries()) {
            if (!ObjectKeys.isSafeRelative(entry.path())) {
                throw new TaskFailedException("cannot deploy: the artifact path '"
                        + entry.path().replaceAll("\\p{Cntrl}", "?") + "' would leave the deploy's folder");
            }
        }
        return content;
    }
}
