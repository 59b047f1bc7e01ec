package dev.repoworker.api.dashboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web dashboard: a static page ({@code /} and {@code /jobs/{id}}) with a script that reads the
 * JSON API and follows a job over its event stream. No build step: the files are plain HTML, CSS
 * and JavaScript under {@code resources/dashboard}. Pages and {@code /metrics} are guarded by
 * {@link DashboardAuth}; the JSON API is not (it stays as it was).
 */
public final class Dashboard {

    private static final String PAGE_HEADERS_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** The page's scripts and styles, served as {@code /dashboard/{name}}; the job page's views have files of their own. */
    private static final List<String> ASSETS = List.of(
            "app.js",
            "app.css",
            "job.js",
            "job-steps.js",
            "job-report.js",
            "job-posts.js",
            "job-graph.js",
            "job-artifacts.js",
            "job.css",
            "job-preview.css",
            "overview.js",
            "overview.css");

    private final DashboardAuth auth;
    private final byte[] page;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();

    public Dashboard(DashboardAuth auth) {
        this.auth = auth;
        this.page = resource("index.html");
        ASSETS.forEach(name -> assets.put(name, resource(name)));
    }

    public DashboardAuth auth() {
        return auth;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/", guarded(ctx -> asset(ctx, page, "text/html; charset=utf-8")));
        config.routes.get("/jobs/{id}", guarded(ctx -> asset(ctx, page, "text/html; charset=utf-8")));
        assets.forEach((name, body) -> config.routes.get(
                "/dashboard/" + name,
                ctx -> asset(
                        ctx,
                        body,
                        name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")));
        config.routes.get("/login", ctx -> loginPage(ctx, 200, null));
        config.routes.post("/login", this::login);
        config.routes.post("/logout", ctx -> {
            DashboardAuth.logout(ctx);
            ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        });
    }

    /** Runs {@code handler} when {@link DashboardAuth} allows; {@code ?token=} logs in and drops itself from the URL. */
    public Handler guarded(Handler handler) {
        return ctx -> {
            String token = ctx.queryParam("token");
            if (token != null && auth.matches(token)) {
                auth.login(ctx);
                ctx.redirect(ctx.path(), io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            switch (auth.check(ctx)) {
                case ALLOW -> handler.handle(ctx);
                case LOGIN -> {
                    if (acceptsHtml(ctx)) {
                        ctx.redirect(
                                "/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8),
                                io.javalin.http.HttpStatus.SEE_OTHER);
                    } else {
                        ctx.status(401)
                                .header("WWW-Authenticate", "Bearer")
                                .contentType("text/plain; charset=utf-8")
                                .result("401: a DASHBOARD_TOKEN is required (Authorization: Bearer <token>)\n");
                    }
                }
                case FORBIDDEN ->
                    ctx.status(403)
                            .contentType("text/plain; charset=utf-8")
                            .result(
                                    "403: this API listens on every interface and has no DASHBOARD_TOKEN, so the dashboard "
                                            + "and /metrics only answer clients on this machine. Set DASHBOARD_TOKEN, or HOST=127.0.0.1.\n");
            }
        };
    }

    /**
     * A field of the login form. Only a urlencoded body is read: anything else (a broken multipart body
     * would make the servlet container throw) has no fields, and so no token.
     */
    private static String formField(Context ctx, String name) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        return ctx.formParam(name);
    }

    private void login(Context ctx) {
        String next = safeNext(formField(ctx, "next"));
        if (!auth.tokenRequired()) {
            ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        if (!auth.matches(formField(ctx, "token"))) {
            loginPage(ctx, 401, "That token is not right.");
            return;
        }
        auth.login(ctx);
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void loginPage(Context ctx, int status, String error) {
        String next = safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : formField(ctx, "next"));
        String html = """
                <!doctype html><html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Repo Worker · sign in</title><link rel="stylesheet" href="/dashboard/app.css"></head>
                <body><main class="login"><h1>Repo Worker</h1>
                <form method="post" action="/login">
                <label for="token">Dashboard token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
                <input type="hidden" name="next" value="%s">
                %s<button type="submit">Sign in</button></form>
                <p class="hint">The token is the API's <code>DASHBOARD_TOKEN</code>.</p></main></body></html>
                """.formatted(
                escape(next), error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>");
        securityHeaders(ctx);
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    private static String safeNext(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")
                || next.length() > 200) {
            return "/";
        }
        return next;
    }

    private static boolean acceptsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static void asset(Context ctx, byte[] body, String type) {
        securityHeaders(ctx);
        ctx.header("Cache-Control", "no-cache").contentType(type).result(body);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", PAGE_HEADERS_CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
