package dev.repoworker.api;

import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.project.Project;
import dev.repoworker.protocol.Json;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Map;

/** The project routes; the job API's guard covers them ({@link ObserveRoutes}), errors map as in {@link ApiRoutes}. */
final class ProjectRoutes {

    static final String BASE = "/api/projects";

    private final ProjectService projects;
    private final SecretBox secretBox;

    ProjectRoutes(ProjectService projects, SecretBox secretBox) {
        this.projects = projects;
        this.secretBox = secretBox;
    }

    void register(JavalinConfig config) {
        config.routes.post(BASE, ctx -> {
            Project created = projects.create(Requests.object(ctx, false));
            ctx.header("Location", BASE + "/" + created.id());
            json(ctx, 201, view(created));
        });
        config.routes.get(BASE, ctx -> json(ctx, 200, Map.of("projects", projects.list().stream().map(this::view).toList())));
        config.routes.get(BASE + "/{id}", ctx -> json(ctx, 200, view(projects.get(ctx.pathParam("id")))));
        config.routes.patch(BASE + "/{id}", ctx -> json(ctx, 200, view(projects.patch(ctx.pathParam("id"), Requests.object(ctx, false)))));
        config.routes.post(BASE + "/{id}/deploy", this::deploy);
    }

    /** Answers like a job submission: 202 with the job (200 when an Idempotency-Key named an existing one). */
    private void deploy(Context ctx) {
        JobStore.Created created = projects.deploy(ctx.pathParam("id"), Requests.object(ctx, true),
                ApiRoutes.idempotencyKey(ctx), "api");
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
