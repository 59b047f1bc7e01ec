package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts webhook deliveries the way GitHub does: {@code X-GitHub-Event}, {@code X-GitHub-Delivery}, {@code
 * X-Hub-Signature-256} (hex HMAC-SHA256 of the raw body), {@code User-Agent: GitHub-Hookshot/…}, JSON. Payloads
 * start from the fixtures in {@code github/*.json} (real GitHub shapes) with the repository and commit a test needs.
 */
public final class GitHubWebhookSender {

    private static final int LARGE_BODY = 1024 * 1024;

    /** What the server answered, and the delivery id it was sent under. */
    public record Sent(String deliveryId, int status, String body) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI webhookUrl;
    private final String secret;

    /** @param secret signs every delivery; null sends them unsigned */
    public GitHubWebhookSender(String webhookUrl, String secret) {
        this.webhookUrl = URI.create(webhookUrl);
        this.secret = secret;
    }

    /** The fixture {@code github/<name>.json}: {@code push}, {@code push-deleted}, {@code ping}. */
    public static ObjectNode fixture(String name) {
        try (InputStream in = GitHubWebhookSender.class.getResourceAsStream("/github/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture github/" + name + ".json");
            }
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A push of {@code commit} to {@code ref} ({@code refs/heads/main}, {@code refs/tags/v1}) of the repository cloned from {@code cloneUrl}. */
    public static ObjectNode push(String cloneUrl, String ref, String commit) {
        ObjectNode payload =
                withRepository(fixture("push"), cloneUrl).put("ref", ref).put("after", commit);
        ((ObjectNode) payload.get("head_commit")).put("id", commit);
        ((ObjectNode) payload.get("commits").get(0)).put("id", commit);
        return payload;
    }

    /** The deletion of {@code ref}: {@code deleted: true}, {@code after} all zeros, no head commit. */
    public static ObjectNode deletion(String cloneUrl, String ref) {
        return withRepository(fixture("push-deleted"), cloneUrl).put("ref", ref);
    }

    /** Sets clone_url, html_url, git_url and ssh_url as GitHub writes them for {@code cloneUrl}. */
    public static ObjectNode withRepository(ObjectNode payload, String cloneUrl) {
        URI uri = URI.create(cloneUrl);
        String path = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        String htmlUrl = cloneUrl.endsWith(".git") ? cloneUrl.substring(0, cloneUrl.length() - 4) : cloneUrl;
        ObjectNode repository = (ObjectNode) payload.get("repository");
        repository
                .put("clone_url", cloneUrl)
                .put("html_url", htmlUrl)
                .put("url", htmlUrl)
                .put("git_url", "git://" + uri.getHost() + "/" + path)
                .put("ssh_url", "git@" + uri.getHost() + ":" + path);
        return payload;
    }

    /** Signed with the secret, under a new delivery id. */
    public Sent send(String event, ObjectNode payload) {
        return send(event, UUID.randomUUID().toString(), payload);
    }

    /** Signed with the secret, under {@code deliveryId} (the same id again is a redelivery). */
    public Sent send(String event, String deliveryId, ObjectNode payload) {
        byte[] body = Json.writeBytes(payload);
        return send(event, deliveryId, body, secret == null ? null : sign(secret, body));
    }

    /** Raw: {@code signature} is sent as the {@code X-Hub-Signature-256} header as given (none when null). */
    public Sent send(String event, String deliveryId, byte[] body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhookUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/5f2b3c4")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-GitHub-Hook-ID", "109948940")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > LARGE_BODY) {
            // waits for the server's go-ahead before the body, as clients do for large uploads: a refusal made from
            // the headers (413 by Content-Length) then arrives as an answer, not as a connection reset mid-upload
            request.expectContinue(true);
        }
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Sent(deliveryId, response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code sha256=} + hex HMAC-SHA256 of {@code body} with {@code secret}, as GitHub computes it. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
