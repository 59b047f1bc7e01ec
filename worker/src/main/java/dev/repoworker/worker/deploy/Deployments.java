package dev.repoworker.worker.deploy;

import com.fasterxml.jackson.core.JacksonException;
import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.PublishFailedException;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.deploy.DeployStore.DeployFolder;
import dev.repoworker.worker.deploy.DeployStore.StoredFiles;
import dev.repoworker.worker.deploy.DeployStore.VersionedPointer;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published deploys: a job's artifacts under {@code projects/{projectId}/{jobId}/}, and {@code active.json}, the
 * project's pointer to the deploy that serves. The pointer only moves forward in {@code requestedAt} order (ties by
 * job id): a deploy requested earlier than the active one (a late, slow, older deploy) is published but never becomes
 * active. The pointer is replaced by compare-and-set: on a conflict the deploy reads it again and decides again.
 *
 * <p>With a retention ({@code DEPLOY_KEEP} &gt; 0), each successful deploy then prunes its project: it keeps the
 * active deploy, its own, the newest {@code keep} complete ones (by when their manifest was written) and any folder
 * written within {@link #IN_FLIGHT}: a deploy in flight on another Worker, or one published that has yet to move the
 * pointer to itself; it deletes the other folders, then the shared media no remaining folder holds that are older than
 * {@link #IN_FLIGHT}.
 */
public final class Deployments {

    private static final Logger LOG = LoggerFactory.getLogger(Deployments.class);

    public static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final String ACTIVE = "active.json";
    static final String SHARED = "_shared";
    /** Each conflict means another deploy moved the pointer, so a few rounds settle any realistic number of them. */
    static final int POINTER_ATTEMPTS = 10;
    /** Far longer than any deploy takes: what is younger may still be written by one. */
    static final Duration IN_FLIGHT = Duration.ofHours(1);

    private final DeployStore store;
    private final int keep;
    private final Clock clock;

    /** Keeps every deploy. */
    public Deployments(DeployStore store) {
        this(store, 0, Clock.systemUTC());
    }

    /** @param keep how many complete deploys a project keeps besides its active one; 0 keeps every deploy */
    public Deployments(DeployStore store, int keep, Clock clock) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be 0 or more");
        }
        this.store = store;
        this.keep = keep;
        this.clock = clock;
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
            PublishedDeploy.Stats stats = PublishedDeploy.Stats.of(pages, stored);
            if (keep > 0) {
                Pruned pruned = prune(projectId, jobId, activeJobId);
                stats = stats.withPruned(pruned.folders(), pruned.sharedMedia());
            }
            return new PublishedDeploy(
                    projectId,
                    jobId,
                    location(projectId, jobId),
                    activeJobId.equals(jobId),
                    activeJobId,
                    requestedAt.toString(),
                    store.kind(),
                    stats);
        } catch (PublishFailedException e) {
            throw new TaskFailedException(e.getMessage(), e);
        }
    }

    /** What pruning deleted: deploy folders and shared media. */
    private record Pruned(int folders, int sharedMedia) {}

    /**
     * Deletes what the retention does not keep. A failure never fails the deploy, which is published and settled: it
     * is logged, and the counts say what was deleted before it.
     */
    private Pruned prune(String projectId, String jobId, String activeJobId) {
        int folders = 0;
        int sharedMedia = 0;
        try {
            Instant inFlightSince = clock.instant().minus(IN_FLIGHT);
            // a pointer moved since names a deploy published within the hour, which is kept below
            Set<String> kept = new HashSet<>(List.of(jobId, activeJobId));
            List<DeployFolder> all = store.folders(projectId);
            all.stream()
                    .filter(f -> f.published().isPresent())
                    .sorted(Comparator.comparing(
                                    (DeployFolder f) -> f.published().orElseThrow())
                            .thenComparing(DeployFolder::name)
                            .reversed())
                    .limit(keep)
                    .forEach(f -> kept.add(f.name()));
            for (DeployFolder folder : all) {
                // a deploy published within the hour may still move the pointer to itself after this reading
                boolean recent = folder.published().orElse(folder.changed()).isAfter(inFlightSince);
                if (!kept.contains(folder.name()) && !recent) {
                    store.deleteFolder(projectId, folder.name());
                    folders++;
                }
            }
            sharedMedia = store.pruneSharedMedia(projectId, inFlightSince);
        } catch (IOException | RuntimeException e) {
            LOG.warn("job {}: pruning project {} failed: {}", jobId, projectId, e.getMessage(), e);
        }
        return new Pruned(folders, sharedMedia);
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
