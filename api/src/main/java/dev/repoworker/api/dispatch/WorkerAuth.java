package dev.repoworker.api.dispatch;

import dev.repoworker.protocol.Env;
import java.util.Locale;

/**
 * How the API authenticates itself to a Worker ({@code WORKER_AUTH}): Standard Webhooks signature headers,
 * the original services' {@code Authorization: Bearer <WORKER_SECRET>}, or both (the default: our Worker
 * checks the signature, the original Worker the bearer token).
 */
public enum WorkerAuth {
    SIGNATURE,
    BEARER,
    BOTH;

    public static final String VARIABLE = "WORKER_AUTH";

    public static WorkerAuth fromEnv(Env env) {
        String value = env.text("WORKER_AUTH", "both").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "signature" -> SIGNATURE;
            case "bearer" -> BEARER;
            case "both" -> BOTH;
            default ->
                throw new Env.InvalidConfigException(
                        VARIABLE, "must be signature, bearer or both, got '" + value + "'");
        };
    }

    boolean signs() {
        return this != BEARER;
    }

    boolean sendsBearer() {
        return this != SIGNATURE;
    }
}
