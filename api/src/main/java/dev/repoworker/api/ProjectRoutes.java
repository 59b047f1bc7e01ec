package dev.repoworker.api;

import static dev.repoworker.api.Responses.json;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.repoworker.api.deploy.DeployRecords;
import dev.repoworker.api.deploy.DeployView;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.project.Project;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The project handlers; {@link ApiRouteTable} registers them behind the job API's guard, errors map as in {@link ApiErrors}. */
final class ProjectRoutes {

    static final String BASE = "/api/projects";
    private static final int MAX_LIMIT = 100;
    private static final int MAX_PAGE = 1_000_000;

    /** {@code GET /api/projects}. */
    record ProjectList(List<ProjectView> projects) {}

    /** {@code GET /api/projects/{id}}: the project's fields, then the deploy that serves it (left out before any). */
    record ProjectWithDeploy(@JsonUnwrapped ProjectView project, DeployRecords.Active activeDeploy) {}

    /** {@code GET /api/projects/{id}/deploys}: newest first, paged like the job list. */
    record DeployList(boolean success, List<DeployView> deploys, Pagination pagination) {}

    /** {@code GET /api/projects/{id}/deploys/active}: the active revision, and its deploy while its job is kept. */
    record ActiveDeploy(String jobId, Instant requestedAt, String location, DeployView deploy) {}

    private final ProjectService projects;
    private final DeployRecords deploys;
    private final SecretBox secretBox;

    ProjectRoutes(ProjectService projects, DeployRecords deploys, SecretBox secretBox) {
        this.projects = projects;
        this.deploys = deploys;
        this.secretBox = secretBox;
    }

    void create(Context ctx) {
        Project created = projects.create(Requests.object(ctx, false));
        ctx.header("Location", BASE + "/" + created.id());
        json(ctx, 201, view(created));
    }

    void list(Context ctx) {
        json(ctx, 200, new ProjectList(projects.list().stream().map(this::view).toList()));
    }

    void patch(Context ctx) {
        json(ctx, 200, view(projects.patch(ctx.pathParam("id"), Requests.object(ctx, false))));
    }

    /** The project and the deploy that serves it ({@code activeDeploy}: jobId, requestedAt, location; null before any). */
    void project(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        json(
                ctx,
                200,
                new ProjectWithDeploy(
                        view(project), deploys.active(project.id()).orElse(null)));
    }

    /** Newest first, paged like the job list ({@code page} from 1, {@code limit} up to 100). */
    void deploys(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        int page = Requests.intParam(ctx, "page", 1, 1, MAX_PAGE);
        int limit = Requests.intParam(ctx, "limit", 20, 1, MAX_LIMIT);
        DeployRecords.Page found = deploys.page(project.id(), page, limit);
        json(
                ctx,
                200,
                new DeployList(true, found.deploys(), new Pagination(found.total(), found.page(), found.limit())));
    }

    /** The active revision and its deploy record (null when its job is no longer kept); 404 before the first deploy. */
    void activeDeploy(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        DeployRecords.Active active = deploys.active(project.id())
                .orElseThrow(() -> ApiException.notFound("project " + project.id() + " has no active deploy yet"));
        json(
                ctx,
                200,
                new ActiveDeploy(
                        active.jobId(),
                        active.requestedAt(),
                        active.location(),
                        deploys.activeDeploy(project.id()).orElse(null)));
    }

    /** Answers like a job submission: 202 with the job (200 when an Idempotency-Key named an existing one). */
    void deploy(Context ctx) {
        Map<String, Object> body = Requests.object(ctx, true);
        String idempotencyKey = ApiRoutes.idempotencyKey(ctx);
        Project project = projects.get(ctx.pathParam("id"));
        JobStore.Created created = projects.deploy(project, DeployRequest.read(body), idempotencyKey, "api");
        ctx.header("Location", "/api/cloudrun/jobs/" + created.job().id());
        json(ctx, created.isNew() ? 202 : 200, JobView.of(created.job()));
    }

    private ProjectView view(Project project) {
        return ProjectView.of(project, ProjectSecrets.open(secretBox, project));
    }
}
