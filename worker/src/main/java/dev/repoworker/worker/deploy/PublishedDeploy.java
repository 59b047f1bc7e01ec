package dev.repoworker.worker.deploy;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.repoworker.worker.deploy.DeployStore.StoredFiles;

/** {@code result.steps.publish} of a deploy (the shared contract of issue 18). */
@JsonPropertyOrder({"projectId", "jobId", "location", "active", "activeJobId", "requestedAt", "store", "stats"})
public record PublishedDeploy(
        String projectId,
        String jobId,
        String location,
        boolean active,
        String activeJobId,
        String requestedAt,
        String store,
        Stats stats) {

    /**
     * {@code pages}: posts; {@code files}/{@code bytes}: the deploy folder; media uploaded now or found shared;
     * {@code pruned}/{@code sharedPruned}: deploy folders and shared media the retention deleted, only with
     * {@code DEPLOY_KEEP} set (null, so absent from the JSON, otherwise).
     */
    @JsonPropertyOrder({"pages", "files", "bytes", "mediaUploaded", "mediaReused", "pruned", "sharedPruned"})
    public record Stats(
            int pages,
            int files,
            long bytes,
            int mediaUploaded,
            int mediaReused,
            Integer pruned,
            Integer sharedPruned) {

        static Stats of(int pages, StoredFiles stored) {
            return new Stats(
                    pages, stored.files(), stored.bytes(), stored.mediaUploaded(), stored.mediaReused(), null, null);
        }

        Stats withPruned(int folders, int sharedMedia) {
            return new Stats(pages, files, bytes, mediaUploaded, mediaReused, folders, sharedMedia);
        }
    }
}
