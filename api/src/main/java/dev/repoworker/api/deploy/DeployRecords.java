package dev.repoworker.api.deploy;

import dev.repoworker.api.artifacts.ArtifactReader;
import dev.repoworker.api.job.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A project's deploys, read from the jobs table (no second copy that could disagree), and which one serves: the
 * store's {@code active.json} when there is one, else the newest completed deploy whose publish step made it active.
 */
public final class DeployRecords {

    /** A page of deploys, newest first, and how many the project has in all. */
    public record Page(List<DeployView> deploys, long total, int page, int limit) {}

    /** The deploy that serves: its job, when it was asked for, and where its files are. */
    public record Active(String jobId, Instant requestedAt, String location) {}

    private final Database database;
    private final Deliveries deliveries;
    private final ArtifactReader store;

    public DeployRecords(Database database, ArtifactReader store) {
        this.database = database;
        this.deliveries = new Deliveries(database);
        this.store = store;
    }

    public Page page(String projectId, int page, int limit) {
        List<DeployJob> jobs = database.jdbi().withHandle(h -> DeployRows.page(h, projectId, page, limit));
        long total = database.jdbi().withHandle(h -> DeployRows.count(h, projectId));
        String activeJobId = active(projectId).map(Active::jobId).orElse(null);
        Map<String, List<Delivery>> hooks = deliveries
                .forJobs(jobs.stream().map(DeployJob::jobId).toList())
                .stream()
                .collect(Collectors.groupingBy(Delivery::jobId));
        return new Page(
                jobs.stream()
                        .map(j -> DeployView.of(j, activeJobId, hooks.getOrDefault(j.jobId(), List.of())))
                        .toList(),
                total,
                page,
                limit);
    }

    public Optional<Active> active(String projectId) {
        Optional<ArtifactReader.ActivePointer> pointer;
        try {
            pointer = store.activePointer(projectId);
        } catch (IOException e) {
            throw new UncheckedIOException("the active pointer of project " + projectId + " is not readable", e);
        }
        if (pointer.isPresent()) {
            return pointer.map(p -> new Active(p.jobId(), p.requestedAt(), p.location()));
        }
        return database.jdbi()
                .withHandle(h -> DeployRows.newestActive(h, projectId))
                .map(DeployRecords::fromResult);
    }

    /** The active deploy's own record, when its job is still in the table. */
    public Optional<DeployView> activeDeploy(String projectId) {
        Optional<Active> active = active(projectId);
        if (active.isEmpty()) {
            return Optional.empty();
        }
        return database.jdbi()
                .withHandle(h -> DeployRows.find(h, projectId, active.get().jobId()))
                .map(j -> DeployView.of(j, j.jobId(), deliveries.forJobs(List.of(j.jobId()))));
    }

    private static Active fromResult(DeployJob deploy) {
        Object requestedAt = deploy.publish().get("requestedAt");
        Object location = deploy.publish().get("location");
        return new Active(
                deploy.jobId(),
                requestedAt instanceof String text ? Instant.parse(text) : deploy.requestedAt(),
                location instanceof String text ? text : "projects/" + deploy.projectId() + "/" + deploy.jobId());
    }
}
