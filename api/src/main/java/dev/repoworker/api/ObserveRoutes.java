package dev.repoworker.api;

import dev.repoworker.api.artifacts.ArtifactReader;
import dev.repoworker.api.artifacts.PostSummaries;
import dev.repoworker.api.dashboard.Dashboard;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.observe.ServiceMetrics;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The handlers that let people look at jobs: {@code /metrics}, a job's live event stream and its artifacts.
 * {@link ApiRouteTable} registers them.
 */
final class ObserveRoutes implements AutoCloseable {

    private static final String BASE = "/api/cloudrun";
    private static final String JOBS = BASE + "/jobs";
    /** Artifacts come from repositories: hostile input. They never run as this origin's pages. */
    private static final String ARTIFACT_CSP =
            "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'";

    /** A job's artifacts; {@code note} says why there are none when the Worker published them elsewhere. */
    record ArtifactList(String jobId, List<ArtifactLink> artifacts, String note) {}

    /** One artifact and the URL that serves it. */
    record ArtifactLink(String path, long size, String contentType, String url) {}

    /** A job's posts without their bodies. */
    record PostList(String jobId, List<PostSummaries.Summary> posts) {}

    private final Jobs jobs;
    private final ServiceMetrics metrics;
    private final Dashboard dashboard;
    private final JobEventStream events;
    private final ArtifactReader artifacts;

    ObserveRoutes(
            Jobs jobs, ServiceMetrics metrics, Dashboard dashboard, JobEventStream events, ArtifactReader artifacts) {
        this.jobs = jobs;
        this.metrics = metrics;
        this.dashboard = dashboard;
        this.events = events;
        this.artifacts = artifacts;
    }

    void events(Context ctx) {
        events.handle(ctx, jobId(ctx));
    }

    /** {@code /metrics}, behind the dashboard's token when it has one. */
    void metrics(Context ctx) throws Exception {
        if (dashboard.auth().tokenRequired()) {
            dashboard.guarded(metrics::serve).handle(ctx);
        } else {
            metrics.serve(ctx);
        }
    }

    void listArtifacts(Context ctx) {
        String id = existingJob(ctx);
        List<ArtifactReader.Artifact> files = artifacts.list(id);
        List<ArtifactLink> links = files.stream()
                .map(a -> new ArtifactLink(
                        a.path(), a.size(), a.contentType(), JOBS + "/" + id + "/artifacts/" + encodePath(a.path())))
                .toList();
        String note = files.isEmpty() ? elsewhere(id).orElse(null) : null;
        ctx.contentType("application/json").result(Json.write(new ArtifactList(id, links, note)));
    }

    void artifact(Context ctx) throws IOException {
        String id = existingJob(ctx);
        String path = ctx.pathParam("path");
        Optional<URI> direct = artifacts.redirect(id, path);
        if (direct.isPresent()) {
            // the presigned URL expires: no cache may keep the redirect longer
            ctx.header("Cache-Control", "no-store");
            ctx.redirect(direct.get().toString(), HttpStatus.FOUND);
            return;
        }
        ArtifactReader.Content content = artifacts
                .open(id, path)
                .orElseThrow(() -> ApiException.notFound("job " + id + " has no artifact " + printable(path)));
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", ARTIFACT_CSP);
        ctx.header("Cache-Control", "private, max-age=60");
        if (compressible(content.contentType())) {
            // Javalin may gzip it (browsers ask): the length sent is then not the file's, so Jetty chunks it
        } else {
            ctx.disableCompression();
            ctx.header("Content-Length", Long.toString(content.size()));
        }
        ctx.contentType(content.contentType());
        ctx.result(content.body());
    }

    /** The job's posts without their bodies (see {@link PostSummaries}), for the dashboard's post list and graph. */
    void posts(Context ctx) throws IOException {
        String id = existingJob(ctx);
        List<PostSummaries.Summary> posts;
        try {
            posts = PostSummaries.read(artifacts, id)
                    .orElseThrow(() -> ApiException.notFound("job " + id + " has no posts.json"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.conflict("job " + id + " has a posts.json that is not valid JSON");
        }
        ctx.contentType("application/json").result(Json.write(new PostList(id, posts)));
    }

    private static boolean compressible(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml") || type.contains("javascript");
    }

    /** Ends every open event stream, then the metrics' JVM binders. */
    @Override
    public void close() {
        events.close();
        metrics.close();
        artifacts.close();
    }

    /** Why a job that published artifacts lists none here: the Worker wrote them where this API does not read. */
    private Optional<String> elsewhere(String id) {
        Object manifest = jobs.find(id)
                .map(job -> job.result())
                .map(result -> result.get("manifest"))
                .orElse(null);
        if (manifest instanceof Map<?, ?> published && published.get("location") != null) {
            return Optional.of(
                    "the Worker published this job's artifacts (" + published.get("location") + " in its "
                            + published.get("store") + " store), which this API does not see: it reads "
                            + artifacts.describe()
                            + "; give the API and the Worker the same ARTIFACTS_DIR (standalone does) or the same ARTIFACT_STORE=s3 bucket");
        }
        return Optional.empty();
    }

    private String existingJob(Context ctx) {
        String id = jobId(ctx);
        jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
        return id;
    }

    private static String jobId(Context ctx) {
        return ApiRoutes.id(ctx);
    }

    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static String printable(String path) {
        String cut = path.length() > 100 ? path.substring(0, 100) + "…" : path;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
