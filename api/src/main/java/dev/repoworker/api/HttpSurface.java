package dev.repoworker.api;

import dev.repoworker.api.artifacts.ArtifactFiles;
import dev.repoworker.api.artifacts.ArtifactReader;
import dev.repoworker.api.artifacts.LocalArtifactReader;
import dev.repoworker.api.artifacts.S3ArtifactReader;
import dev.repoworker.api.dashboard.Dashboard;
import dev.repoworker.api.dashboard.DashboardAuth;
import dev.repoworker.api.deploy.DeployRecords;
import dev.repoworker.api.github.GitHubDeliveries;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.observe.JobStats;
import dev.repoworker.api.search.IndexFolders;
import dev.repoworker.api.search.JobSearch;
import dev.repoworker.api.search.S3IndexCache;
import dev.repoworker.objectstore.S3Clients;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Part of the API's wiring: every route, in one {@link ApiRouteTable}, and what the routes hold open until the
 * API stops: the event streams ({@code observe}) and, with artifacts in S3, the search index cache (else null).
 */
record HttpSurface(ApiRouteTable table, ObserveRoutes observe, S3IndexCache indexCache) {

    private static final Duration EVENT_POLL = Duration.ofMillis(250);

    static HttpSurface wire(
            ApiConfig config,
            Clock clock,
            Database database,
            Foundation base,
            Dispatching dispatching,
            Services services) {
        List<String> callbackPaths = config.devCallbackRoute()
                ? List.of(ApiConfig.CALLBACK_PATH, ApiConfig.DEV_CALLBACK_PATH)
                : List.of(ApiConfig.CALLBACK_PATH);
        S3IndexCache indexCache = config.s3Artifacts()
                .map(s3 -> new S3IndexCache(
                        S3Clients.create(s3), s3, config.dataDir().resolve("search-cache"), config.searchCacheBytes()))
                .orElse(null);
        ApiRoutes routes = new ApiRoutes(services.jobs(), base.store(), clock)
                .withSearch(new JobSearch(
                        indexCache != null ? indexCache : IndexFolders.local(config.artifactsDir()),
                        config.embeddings().createEmbedder()))
                .withStats(new JobStats(database, clock));
        ArtifactReader artifacts = artifactReader(config);
        ProjectRoutes projects =
                new ProjectRoutes(services.projects(), new DeployRecords(database, artifacts), base.secretBox());
        GitHubWebhookRoutes github = new GitHubWebhookRoutes(
                new GitHubWebhook(services.projects(), new GitHubDeliveries(database), clock),
                config.githubWebhookSecret(),
                config.development());
        Dashboard dashboard = new Dashboard(new DashboardAuth(config.dashboardToken(), config.localhostOnly()));
        ObserveRoutes observe = new ObserveRoutes(
                base.store().jobs(),
                base.serviceMetrics(),
                dashboard,
                new JobEventStream(base.store().jobs(), base.loops().scheduler(), EVENT_POLL),
                artifacts);
        return new HttpSurface(
                new ApiRouteTable(
                        routes,
                        new CallbackRoutes(dispatching.callbacks(), callbackPaths, config.maxCallbackBytes()),
                        projects,
                        github,
                        observe,
                        dashboard,
                        base.serviceMetrics()),
                observe,
                indexCache);
    }

    /** {@code ARTIFACT_STORE=s3}: the Workers' bucket; otherwise {@code ARTIFACTS_DIR}. */
    private static ArtifactReader artifactReader(ApiConfig config) {
        return config.s3Artifacts()
                .<ArtifactReader>map(s3 -> config.artifactDelivery().redirect()
                        ? new S3ArtifactReader(
                                S3Clients.create(s3),
                                s3,
                                S3ArtifactReader.presigner(s3),
                                config.artifactDelivery().redirectTtl())
                        : new S3ArtifactReader(S3Clients.create(s3), s3))
                .orElseGet(() -> new LocalArtifactReader(new ArtifactFiles(config.artifactsDir())));
    }
}
