package dev.repoworker.api;

import static dev.repoworker.api.Responses.json;

import dev.repoworker.api.callback.CallbackHandler;
import dev.repoworker.api.callback.CallbackTooLargeException;
import dev.repoworker.api.job.CallbackTokens;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The callback handler over HTTP; {@link CallbackHandler} authenticates and applies what arrives. */
final class CallbackRoutes {

    /** The answer to a single callback; {@code applied} is false for an acknowledged no-op. */
    record CallbackAcknowledged(String status, boolean applied, String message) {}

    private final CallbackHandler callbacks;
    private final List<String> paths;
    private final long maxDiscardedBytes;

    /**
     * @param paths            where callbacks are served: {@code /api/cloudrun/callback}, maybe the original's dev
     *                         path too
     * @param maxCallbackBytes the largest body taken; a refused body up to twice that is read to its end before the
     *                         413, so its sender reads the answer
     */
    CallbackRoutes(CallbackHandler callbacks, List<String> paths, long maxCallbackBytes) {
        this.callbacks = callbacks;
        this.paths = List.copyOf(paths);
        this.maxDiscardedBytes = 2 * maxCallbackBytes;
    }

    /** Where callbacks are served: {@code /api/cloudrun/callback}, maybe the original's development path too. */
    List<String> paths() {
        return paths;
    }

    /**
     * A callback, read from the request as a stream; its job's callback token may come as {@code ?token=} or as
     * the last path segment.
     */
    void callback(Context ctx) {
        Requests.requireJson(ctx);
        String token = ctx.pathParamMap().containsKey(CallbackTokens.PARAMETER)
                ? ctx.pathParam(CallbackTokens.PARAMETER)
                : ctx.queryParam(CallbackTokens.PARAMETER);
        CallbackHandler.Received received;
        try (InputStream body = ctx.bodyInputStream()) {
            try {
                received = callbacks.receive(body, ctx.req().getContentLengthLong(), ctx::header, token);
            } catch (CallbackTooLargeException e) {
                if (!RefusedBodies.answerAtOnce(ctx, maxDiscardedBytes)) {
                    RefusedBodies.discard(body, maxDiscardedBytes);
                }
                throw e;
            }
        } catch (IOException e) {
            throw ApiException.badRequest("body", "the body could not be read");
        }
        if (received.items() != null) {
            json(ctx, 200, received.items());
            return;
        }
        CallbackHandler.Outcome outcome = received.single();
        json(ctx, 200, new CallbackAcknowledged("ok", outcome.applied(), outcome.reason()));
    }
}
