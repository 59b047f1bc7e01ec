package dev.repoworker.api;

import dev.repoworker.api.dashboard.Dashboard;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.observe.ServiceMetrics;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * Every route of the API in one table: method, path and guard → handler. The handlers live in their feature
 * classes; errors map to {@code {"error":{code, message, field}}} for every route ({@link ApiErrors#register}).
 *
 * <p>Guards: the job and project APIs answer only what the dashboard's rule allows ({@link #guardJobApi});
 * callbacks carry their own signature or callback token, GitHub's webhook its {@code X-Hub-Signature-256};
 * {@code /health} and {@code /ready} are open; the dashboard's pages guard themselves.
 */
final class ApiRouteTable {

    private static final String JOBS = ApiRoutes.BASE + "/jobs";

    private final ApiRoutes jobs;
    private final CallbackRoutes callbacks;
    private final ProjectRoutes projects;
    private final GitHubWebhookRoutes github;
    private final ObserveRoutes observe;
    private final Dashboard dashboard;
    private final ServiceMetrics metrics;

    ApiRouteTable(
            ApiRoutes jobs,
            CallbackRoutes callbacks,
            ProjectRoutes projects,
            GitHubWebhookRoutes github,
            ObserveRoutes observe,
            Dashboard dashboard,
            ServiceMetrics metrics) {
        this.jobs = jobs;
        this.callbacks = callbacks;
        this.projects = projects;
        this.github = github;
        this.observe = observe;
        this.dashboard = dashboard;
        this.metrics = metrics;
    }

    void register(JavalinConfig config) {
        var routes = config.routes;
        metrics.installHttpMetrics(config);

        // guards (the callback paths under /api/cloudrun are let through by guardJobApi itself)
        routes.before(ApiRoutes.BASE + "/*", this::guardJobApi);
        routes.before(ProjectRoutes.BASE, this::guardJobApi);
        routes.before(ProjectRoutes.BASE + "/*", this::guardJobApi);

        // open
        routes.get("/health", jobs::health);
        routes.get("/ready", jobs::ready);

        // jobs (guarded)
        routes.post(JOBS, jobs::submit);
        for (String task : new String[] {"clone-repo", "import-repo", "deploy-repo"}) {
            routes.post(ApiRoutes.BASE + "/" + task, ctx -> jobs.submitConvenience(ctx, task));
        }
        routes.get(JOBS, jobs::list);
        routes.get(JOBS + "/{id}", jobs::job);
        routes.get(ApiRoutes.BASE + "/job/{id}", jobs::job); // the original API's path for the same answer
        routes.post(JOBS + "/{id}/cancel", jobs::cancel);
        routes.post(JOBS + "/{id}/retry", jobs::retry);
        routes.get(JOBS + "/{id}/events", observe::events);
        routes.get(JOBS + "/{id}/artifacts", observe::listArtifacts);
        routes.get(JOBS + "/{id}/artifacts/<path>", observe::artifact);
        routes.get(JOBS + "/{id}/posts", observe::posts);
        if (jobs.searches()) {
            routes.get(JOBS + "/{id}/search", jobs::search);
        }
        if (jobs.hasStats()) {
            routes.get(ApiRoutes.BASE + "/stats", jobs::stats);
        }

        // callbacks (signed, or by callback token in the query or the last segment)
        for (String path : callbacks.paths()) {
            routes.post(path, callbacks::callback);
            routes.post(path + "/{" + CallbackTokens.PARAMETER + "}", callbacks::callback);
        }

        // projects (guarded)
        routes.post(ProjectRoutes.BASE, projects::create);
        routes.get(ProjectRoutes.BASE, projects::list);
        routes.get(ProjectRoutes.BASE + "/{id}", projects::project);
        routes.patch(ProjectRoutes.BASE + "/{id}", projects::patch);
        routes.post(ProjectRoutes.BASE + "/{id}/deploy", projects::deploy);
        routes.get(ProjectRoutes.BASE + "/{id}/deploys", projects::deploys);
        routes.get(ProjectRoutes.BASE + "/{id}/deploys/active", projects::activeDeploy);

        // GitHub's push webhook (its signature, no job API guard)
        routes.post(GitHubWebhookRoutes.PATH, github::receive);

        // metrics (the dashboard's token when it has one)
        routes.get("/metrics", observe::metrics);

        // the dashboard: pages, assets, login and logout (GET /, /jobs/{id}, /dashboard/*, /login, POST /login,
        // /logout), listed in Dashboard, whose pages are changing under issue 19
        dashboard.register(config);

        ApiErrors.register(config, callbacks.paths());
    }

    /**
     * The job API is the dashboard's data (job inputs, results, and artifacts rendered from private
     * repositories), so the dashboard's rule guards it; only the Worker's callback, which carries its
     * own signature or callback token, is left to its handler.
     */
    private void guardJobApi(Context ctx) {
        if (ctx.path().equals(ApiRoutes.BASE + "/callback") || ctx.path().startsWith(ApiRoutes.BASE + "/callback/")) {
            return;
        }
        switch (dashboard.auth().check(ctx)) {
            case ALLOW -> {}
            case LOGIN -> {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiException(
                        401,
                        "unauthorized",
                        "this API needs its DASHBOARD_TOKEN: send Authorization: Bearer <token>",
                        "Authorization");
            }
            case FORBIDDEN ->
                throw new ApiException(
                        403,
                        "forbidden",
                        "this API listens on every interface and has no "
                                + "DASHBOARD_TOKEN, so its job routes only answer clients on this machine; set DASHBOARD_TOKEN, "
                                + "or HOST=127.0.0.1",
                        null);
        }
    }
}
