package dev.repoworker.api;

import dev.repoworker.api.github.GitHubSignature;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/github/webhook}: GitHub's push webhook, authenticated by its {@code X-Hub-Signature-256} (no
 * job API guard: GitHub sends no token). The body is read as bytes, since the signature covers the raw body.
 */
final class GitHubWebhookRoutes {

    static final String PATH = "/api/github/webhook";
    /** GitHub caps payloads at 25 MB; pushes that deploy notes are far smaller. */
    static final int MAX_BODY_BYTES = 5 * 1024 * 1024;
    /** How much of a body over the limit is read before the 413: any payload GitHub sends (it caps them at 25 MB). */
    static final long MAX_DISCARDED_BYTES = 25L * 1024 * 1024;

    private static final int MAX_HEADER_LENGTH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhookRoutes.class);

    private final GitHubWebhook webhook;
    private final String secret;
    private final boolean development;

    /** @param secret {@code GITHUB_WEBHOOK_SECRET}, or null: refused, unless in {@code development} (taken unverified) */
    GitHubWebhookRoutes(GitHubWebhook webhook, String secret, boolean development) {
        this.webhook = webhook;
        this.secret = secret;
        this.development = development;
    }

    void receive(Context ctx) {
        byte[] body = boundedBody(ctx);
        boolean verified = authenticate(ctx, body);
        String deliveryId = header(ctx, "X-GitHub-Delivery");
        String event = header(ctx, "X-GitHub-Event");
        if (!verified) {
            LOG.warn("GitHub delivery {} taken UNVERIFIED: no GITHUB_WEBHOOK_SECRET (development)", deliveryId);
        }
        Requests.requireJson(ctx);
        GitHubWebhook.Answer answer = webhook.receive(deliveryId, event, payload(body));
        ctx.status(answer.status()).contentType("application/json").result(Json.write(answer.body()));
    }

    /** @return false when taken unverified (development without a secret); throws 401/503 when refused */
    private boolean authenticate(Context ctx, byte[] body) {
        if (secret == null) {
            if (!development) {
                throw new ApiException(
                        503,
                        "not_configured",
                        "GitHub webhooks are off: set GITHUB_WEBHOOK_SECRET to the webhook's secret",
                        null);
            }
            return false;
        }
        String signature = ctx.header(GitHubSignature.HEADER);
        if (signature == null || signature.isBlank()) {
            throw new ApiException(
                    401,
                    "unauthorized",
                    "the " + GitHubSignature.HEADER + " header is missing",
                    GitHubSignature.HEADER);
        }
        if (!GitHubSignature.verify(secret, body, signature)) {
            throw new ApiException(
                    401,
                    "unauthorized",
                    "the " + GitHubSignature.HEADER + " signature does not match the body and the webhook secret",
                    GitHubSignature.HEADER);
        }
        return true;
    }

    private static byte[] boundedBody(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES && RefusedBodies.answerAtOnce(ctx, MAX_DISCARDED_BYTES)) {
            throw tooLarge();
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                RefusedBodies.discard(in, MAX_DISCARDED_BYTES);
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("body", "the body could not be read");
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(
                413, "payload_too_large", "a GitHub webhook body may be at most " + MAX_BODY_BYTES + " bytes", "body");
    }

    private static String header(Context ctx, String name) {
        String value = ctx.header(name);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(name, "the " + name + " header is required");
        }
        if (value.length() > MAX_HEADER_LENGTH || Requests.hasControlCharacters(value)) {
            throw ApiException.badRequest(
                    name,
                    "the " + name + " header must be at most " + MAX_HEADER_LENGTH
                            + " characters, without control characters");
        }
        return value.strip();
    }

    private static Map<String, Object> payload(byte[] body) {
        try {
            return Requests.object(Json.decodeUtf8(body));
        } catch (Json.InvalidJsonException e) {
            throw new ApiException(400, "invalid_json", e.getMessage(), "body");
        }
    }
}
