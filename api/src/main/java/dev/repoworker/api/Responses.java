package dev.repoworker.api;

import dev.repoworker.protocol.Json;
import io.javalin.http.Context;

/** How the API's handlers answer: a status and a record Jackson writes as the JSON body. */
final class Responses {

    private Responses() {}

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
