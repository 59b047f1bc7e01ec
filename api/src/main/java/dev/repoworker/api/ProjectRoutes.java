package dev.repoworker.api;

import dev.repoworker.api.deploy.DeployRecords;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.project.Project;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** The project handlers; {@link ApiRouteTable} registers them behind the job API's guard, errors map as in {@link ApiRoutes}. */
final class ProjectRoutes {

    static final String BASE = "/api/projects";
    private static final int MAX_LIMIT = 100;
    private static final int MAX_PAGE = 1_000_000;

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
        json(
                ctx,
                200,
                Map.of("projects", projects.list().stream().map(this::view).toList()));
    }

    void patch(Context ctx) {
        json(ctx, 200, view(projects.patch(ctx.pathParam("id"), Requests.object(ctx, false))));
    }

    /** The project and the deploy that serves it ({@code activeDeploy}: jobId, requestedAt, location; null before any). */
    @SuppressWarnings("unchecked")
    void project(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        Map<String, Object> body = new LinkedHashMap<>(Json.mapper().convertValue(view(project), Map.class));
        body.put("activeDeploy", deploys.active(project.id()).orElse(null));
        json(ctx, 200, body);
    }

    /** Newest first, paged like the job list ({@code page} from 1, {@code limit} up to 100). */
    void deploys(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        int page = Requests.intParam(ctx, "page", 1, 1, MAX_PAGE);
        int limit = Requests.intParam(ctx, "limit", 20, 1, MAX_LIMIT);
        DeployRecords.Page found = deploys.page(project.id(), page, limit);
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("total", found.total());
        pagination.put("page", found.page());
        pagination.put("limit", found.limit());
        pagination.put("pages", (found.total() + limit - 1) / limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("deploys", found.deploys());
        body.put("pagination", pagination);
        json(ctx, 200, body);
    }

    /** The active revision and its deploy record (null when its job is no longer kept); 404 before the first deploy. */
    void activeDeploy(Context ctx) {
        Project project = projects.get(ctx.pathParam("id"));
        DeployRecords.Active active = deploys.active(project.id())
                .orElseThrow(() -> ApiException.notFound("project " + project.id() + " has no active deploy yet"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", active.jobId());
        body.put("requestedAt", active.requestedAt());
        body.put("location", active.location());
        body.put("deploy", deploys.activeDeploy(project.id()).orElse(null));
        json(ctx, 200, body);
    }

    /** Answers like a job submission: 202 with the job (200 when an Idempotency-Key named an existing one). */
    void deploy(Context ctx) {
        JobStore.Created created =
                projects.deploy(ctx.pathParam("id"), Requests.object(ctx, true), ApiRoutes.idempotencyKey(ctx), "api");
        ctx.header("Location", "/api/cloudrun/jobs/" + created.job().id());
        json(ctx, created.isNew() ? 202 : 200, JobJson.summary(created.job()));
    }

    private ProjectView view(Project project) {
        return ProjectView.of(project, ProjectSecrets.open(secretBox, project));
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
