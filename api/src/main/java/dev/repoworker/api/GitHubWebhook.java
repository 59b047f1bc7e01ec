package dev.repoworker.api;

import dev.repoworker.api.github.Delivery;
import dev.repoworker.api.github.GitHubDeliveries;
import dev.repoworker.api.github.PushEvent;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.project.Project;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified GitHub delivery does: a push to a project's branch deploys that project at the pushed commit;
 * everything else is answered and recorded. The deploy's idempotency key is made of the delivery id, so a delivery
 * that two replicas take at once, or that comes again after a crash before it was recorded, makes one job.
 */
final class GitHubWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhook.class);

    private final ProjectService projects;
    private final GitHubDeliveries deliveries;
    private final Clock clock;

    GitHubWebhook(ProjectService projects, GitHubDeliveries deliveries, Clock clock) {
        this.projects = projects;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /** The answer: its HTTP status and JSON body. */
    record Answer(int status, Reply body) {}

    /** The body of an answer: one record per outcome, each starting with {@code status} and {@code deliveryId}. */
    sealed interface Reply {}

    /** A ping, answered. */
    record Pong(String status, String deliveryId) implements Reply {
        Pong(String deliveryId) {
            this("ok", deliveryId);
        }
    }

    /** A push that deploys: the first job, and every job it made (one per project deploying the branch). */
    record Accepted(String status, String deliveryId, String jobId, List<String> jobIds) implements Reply {
        Accepted(String deliveryId, List<String> jobIds) {
            this("accepted", deliveryId, jobIds.get(0), List.copyOf(jobIds));
        }
    }

    /** A delivery that deploys nothing, and why. */
    record Ignored(String status, String deliveryId, boolean ignored, String reason) implements Reply {
        Ignored(String deliveryId, String reason) {
            this("ignored", deliveryId, true, reason);
        }
    }

    /** A delivery seen before: what it did then. */
    record Duplicate(String status, String deliveryId, boolean duplicate, String outcome, List<String> jobIds)
            implements Reply {
        Duplicate(Delivery earlier) {
            this("ok", earlier.id(), true, earlier.outcome().wireName(), earlier.jobIds());
        }
    }

    Answer receive(String deliveryId, String event, Map<String, Object> payload) {
        var earlier = deliveries.find(deliveryId);
        if (earlier.isPresent()) {
            return duplicate(earlier.get());
        }
        if (event.equals("ping")) {
            return record(
                    new Delivery(deliveryId, event, null, null, Delivery.Outcome.PONG, List.of(), clock.instant()),
                    200,
                    new Pong(deliveryId));
        }
        if (!event.equals("push")) {
            return ignored(deliveryId, event, null, null, "the " + event + " event does not deploy; only push does");
        }
        PushEvent push = PushEvent.parse(payload);
        List<Project> ofRepository = projects.ofRepository(push.repositoryKeys());
        if (ofRepository.isEmpty()) {
            deliveries.record(delivery(deliveryId, event, push, Delivery.Outcome.UNKNOWN_REPOSITORY, List.of()));
            LOG.info("GitHub delivery {}: no project deploys {}", deliveryId, push.repository());
            throw new ApiException(
                    404,
                    "unknown_repository",
                    "no project deploys the repository " + push.repository(),
                    "repository.clone_url");
        }
        String reason = ignoreReason(push, ofRepository);
        if (reason != null) {
            return ignored(deliveryId, event, push.repository(), push.ref(), reason);
        }
        return deploy(deliveryId, event, push, ofRepository);
    }

    private static String ignoreReason(PushEvent push, List<Project> ofRepository) {
        if (push.deleted()) {
            return "the push deleted " + push.ref();
        }
        if (push.isTag()) {
            return "tag pushes do not deploy (" + push.ref() + ")";
        }
        if (push.branch() == null) {
            return push.ref() + " is not a branch";
        }
        if (ofRepository.stream().noneMatch(p -> p.settings().branch().equals(push.branch()))) {
            return "no project deploys branch " + push.branch() + " of " + push.repository() + " (they deploy "
                    + String.join(
                            ", ",
                            ofRepository.stream()
                                    .map(p -> p.settings().branch())
                                    .distinct()
                                    .toList()) + ")";
        }
        return null;
    }

    private Answer deploy(String deliveryId, String event, PushEvent push, List<Project> ofRepository) {
        List<String> jobIds = new ArrayList<>();
        for (Project project : ofRepository) {
            if (project.settings().branch().equals(push.branch())) {
                JobStore.Created created = projects.deploy(
                        project,
                        new DeployRequest(push.commit(), push.branch()),
                        "github-delivery:" + deliveryId + ":" + project.id(),
                        "webhook");
                jobIds.add(created.job().id());
            }
        }
        LOG.info("GitHub delivery {}: push of {} to {} deploys {}", deliveryId, push.commit(), push.ref(), jobIds);
        return record(
                delivery(deliveryId, event, push, Delivery.Outcome.DEPLOYED, jobIds),
                202,
                new Accepted(deliveryId, jobIds));
    }

    private Answer ignored(String deliveryId, String event, String repository, String ref, String reason) {
        LOG.info("GitHub delivery {} ignored: {}", deliveryId, reason);
        return record(
                new Delivery(deliveryId, event, repository, ref, Delivery.Outcome.IGNORED, List.of(), clock.instant()),
                200,
                new Ignored(deliveryId, reason));
    }

    /** Recorded after its effect is committed; a replica that recorded it first answers for both. */
    private Answer record(Delivery delivery, int status, Reply body) {
        if (!deliveries.record(delivery)) {
            return duplicate(deliveries.find(delivery.id()).orElse(delivery));
        }
        return new Answer(status, body);
    }

    private static Answer duplicate(Delivery earlier) {
        return new Answer(200, new Duplicate(earlier));
    }

    private Delivery delivery(
            String deliveryId, String event, PushEvent push, Delivery.Outcome outcome, List<String> jobIds) {
        return new Delivery(deliveryId, event, push.repository(), push.ref(), outcome, jobIds, clock.instant());
    }
}
