package dev.repoworker.observe;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * One service's metrics: its own Prometheus registry (so API and Worker in one JVM stay apart),
 * JVM and process metrics, and HTTP server request timings by method, route template and status.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;

    private ServiceMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        this.registry = registry;
        this.gc = gc;
    }

    /** A registry whose every series carries {@code service="<service>"}, with JVM metrics bound. */
    public static ServiceMetrics create(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new ServiceMetrics(registry, gc);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The whole registry in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Times every HTTP request as {@code http_server_requests_seconds{method, uri, status, outcome}};
     * {@code uri} is the route template ({@code /api/cloudrun/jobs/{id}}), never the raw path, so
     * job ids do not explode the number of series. Uses Javalin's request logger slot.
     */
    public void installHttpMetrics(JavalinConfig config) {
        config.requestLogger.http((ctx, millis) -> Timer.builder("http.server.requests")
                .description("HTTP server requests")
                .tag("method", ctx.method().name())
                .tag("uri", routeTemplate(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .tag("outcome", outcome(ctx.statusCode()))
                .register(registry)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));
    }

    /** Serves {@link #scrape()}; for {@code config.routes.get("/metrics", metrics::serve)}. */
    public void serve(Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(scrape());
    }

    private static String routeTemplate(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            if (endpoint != null) {
                return endpoint.path;
            }
        } catch (RuntimeException e) {
            // no endpoint matched
        }
        return ctx.statusCode() == 404 ? "NOT_FOUND" : "UNKNOWN";
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
