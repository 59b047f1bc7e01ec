package dev.repoworker.api;

import dev.repoworker.api.deploy.SubscriberPolicy;
import dev.repoworker.api.deploy.Subscribers;
import dev.repoworker.api.dispatch.TaskMapping;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.project.Project;
import dev.repoworker.api.project.ProjectStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Projects and their deploys. A project's settings are checked by the very rules a {@code deploy-repo} submission
 * meets (repository URL policy, branch names, ignoreFiles limits), so a project that is accepted can be deployed.
 * The Git token and the webhook secrets are sealed on the way in and opened only to make a deploy job or to sign a
 * deployment webhook; its deploys' webhook subscribers are its settings' webhook URLs.
 */
final class ProjectService implements Subscribers {

    private static final String DEFAULT_BRANCH = "main";
    private static final String DEFAULT_MEDIA_PREFIX = "/_repo/medias";
    private static final int MAX_CONFLICT_RETRIES = 10;

    private final ProjectStore store;
    private final JobService jobs;
    private final TaskMapping mapping;
    private final SecretBox secretBox;
    private final SubscriberPolicy subscriberPolicy;
    private final Clock clock;

    ProjectService(
            ProjectStore store,
            JobService jobs,
            TaskMapping mapping,
            SecretBox secretBox,
            SubscriberPolicy subscriberPolicy,
            Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.mapping = mapping;
        this.secretBox = secretBox;
        this.subscriberPolicy = subscriberPolicy;
        this.clock = clock;
    }

    @Override
    public List<String> urls(String projectId) {
        return store.find(projectId).map(p -> p.settings().webhookUrls()).orElse(List.of());
    }

    @Override
    public Map<String, String> secrets(String projectId) {
        return store.find(projectId)
                .map(p -> ProjectSecrets.open(secretBox, p).webhookSecrets())
                .orElse(Map.of());
    }

    Project create(Map<String, Object> body) {
        ProjectInput input = ProjectInput.read(body);
        String id = input.id() != null ? input.id() : UUID.randomUUID().toString();
        ProjectSecrets secrets = input.secrets(ProjectSecrets.NONE);
        Project.Settings settings = input.settings(null, DEFAULT_BRANCH, DEFAULT_MEDIA_PREFIX);
        check(id, settings);
        Project project = Project.newProject(id, settings, secrets.seal(secretBox, id), clock.instant());
        if (!store.create(project)) {
            throw ApiException.conflict("project " + id + " exists already");
        }
        return project;
    }

    Project get(String id) {
        return store.find(ProjectInput.pathId(id))
                .orElseThrow(() -> ApiException.notFound("project " + id + " not found"));
    }

    List<Project> list() {
        return store.list();
    }

    /** The projects that deploy the repository of these {@code github.RepositoryKey}s. */
    List<Project> ofRepository(List<String> repositoryKeys) {
        return store.ofRepository(repositoryKeys);
    }

    /** Applied over the version it was read from, read again when another change came first. */
    Project patch(String id, Map<String, Object> body) {
        ProjectInput input = ProjectInput.read(body);
        for (int i = 0; i < MAX_CONFLICT_RETRIES; i++) {
            Project current = get(id);
            if (input.id() != null && !input.id().equals(current.id())) {
                throw ApiException.badRequest("id", "id cannot be changed");
            }
            Project.Settings settings = input.settings(current.settings(), DEFAULT_BRANCH, DEFAULT_MEDIA_PREFIX);
            check(current.id(), settings);
            ProjectSecrets secrets = input.secrets(ProjectSecrets.open(secretBox, current));
            Project next = current.changed(settings, secrets.seal(secretBox, current.id()), clock.instant());
            if (store.update(next)) {
                return next;
            }
        }
        throw ApiException.conflict("project " + id + " kept changing; try again");
    }

    /**
     * The original's createRepoDeployJob: a {@code deploy-repo} job made of the project's settings.
     *
     * @param triggeredBy {@code api} for {@code POST /api/projects/{id}/deploy}, {@code webhook} for a Git push
     */
    JobStore.Created deploy(Project project, DeployRequest request, String idempotencyKey, String triggeredBy) {
        Map<String, Object> data = deployData(
                project,
                request.commit() == null ? "latest" : request.commit(),
                request.branch() == null ? project.settings().branch() : request.branch());
        data.put("triggeredBy", triggeredBy);
        ProjectSecrets secrets = ProjectSecrets.open(secretBox, project);
        if (secrets.gitToken() != null) {
            data.put("gitToken", secrets.gitToken());
        }
        try {
            return jobs.submit(new JobService.Submission("deploy-repo", data, project.id(), null, idempotencyKey));
        } catch (InvalidInputException e) {
            throw withoutDataPrefix(e);
        }
    }

    /** The project's settings put to the job submission's rules; a complaint names the project's field. */
    private void check(String id, Project.Settings settings) {
        for (int i = 0; i < settings.webhookUrls().size(); i++) {
            String field = "webhooks[" + i + "].url";
            subscriberPolicy.refusalOnSave(settings.webhookUrls().get(i)).ifPresent(problem -> {
                throw ApiException.badRequest(field, field + " is not allowed: " + problem);
            });
        }
        try {
            mapping.map(
                    "deploy-repo",
                    deployData(Project.newProject(id, settings, null, null), "latest", settings.branch()));
        } catch (InvalidInputException e) {
            throw withoutDataPrefix(e);
        }
    }

    private static Map<String, Object> deployData(Project project, String commit, String branch) {
        Project.Settings s = project.settings();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("projectId", project.id());
        data.put("repoUrl", s.repoUrl());
        data.put("branch", branch);
        data.put("commit", commit);
        data.put("notePrefix", s.notePrefix());
        data.put("mediaPrefix", s.mediaPrefix());
        data.put("domain", s.domain());
        data.put("repositoryFolder", s.repositoryFolder());
        data.put("ignoreFiles", s.ignoreFiles());
        data.values().removeIf(java.util.Objects::isNull);
        return data;
    }

    private static InvalidInputException withoutDataPrefix(InvalidInputException e) {
        String field = e.field() == null ? null : e.field().replaceFirst("^data\\.", "");
        return new InvalidInputException(field, e.getMessage().replace("data.", ""));
    }
}
