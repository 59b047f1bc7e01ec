package dev.repoworker.api;

import static dev.repoworker.api.Responses.json;

import dev.repoworker.api.callback.CallbackTooLargeException;
import dev.repoworker.api.callback.UnauthorizedException;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.api.job.ReplayedMessageException;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.observe.JsonErrorPages;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The mapping of every error, on every route, to {@code {"error":{code, message, field}}}. */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** Every error, on every route: {@code {"error":{code, message, field}}} ({@code field} left out when none). */
    record ErrorBody(Error error) {
        record Error(String code, String message, String field) {}
    }

    private ApiErrors() {}

    /**
     * Every error as {@code {"error":{code, message, field}}}, for every route.
     *
     * @param callbackPaths where callbacks are served, so that a callback token in the path never reaches the logs
     */
    static void register(JavalinConfig config, List<String> callbackPaths) {
        config.routes.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() != null) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            error(ctx, e.status(), e.code(), e.getMessage(), e.field());
        });
        config.routes.exception(
                InvalidInputException.class, (e, ctx) -> error(ctx, 400, "invalid_request", e.getMessage(), e.field()));
        config.routes.exception(
                UnknownJobException.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage(), null));
        config.routes.exception(
                CallbackTooLargeException.class,
                (e, ctx) -> error(ctx, 413, "payload_too_large", e.getMessage(), "body"));
        config.routes.exception(
                UnauthorizedException.class, (e, ctx) -> error(ctx, 401, "unauthorized", e.getMessage(), e.field()));
        config.routes.exception(
                ReplayedMessageException.class,
                (e, ctx) -> error(ctx, 409, "replayed", e.getMessage(), Signatures.ID_HEADER));
        config.routes.exception(
                HttpResponseException.class,
                (e, ctx) -> error(
                        ctx, e.getStatus(), code(e.getStatus()), e.getMessage(), e.getStatus() == 413 ? "body" : null));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), withoutCallbackToken(ctx, callbackPaths), e);
            error(ctx, 500, "internal_error", "an unexpected error occurred", null);
        });
        JsonErrorPages.install(config, (status, message, field) -> Json.write(errorBody(code(status), message, field)));
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path(), null);
            }
        });
    }

    /** The request's path, with a callback token in its last segment redacted (tokens never reach the logs). */
    private static String withoutCallbackToken(Context ctx, List<String> callbackPaths) {
        String path = ctx.path();
        for (String callbackPath : callbackPaths) {
            if (path.startsWith(callbackPath + "/")) {
                return callbackPath + "/" + Secrets.REDACTED;
            }
        }
        return path;
    }

    private static String code(int status) {
        return switch (status) {
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> status >= 500 ? "internal_error" : "invalid_request";
        };
    }

    private static void error(Context ctx, int status, String code, String message, String field) {
        json(ctx, status, errorBody(code, message, field));
    }

    private static ErrorBody errorBody(String code, String message, String field) {
        return new ErrorBody(new ErrorBody.Error(code, message, field));
    }
}
