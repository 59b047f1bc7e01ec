package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
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
    private final boolean expectContinue;

    /** @param secret signs every delivery; null sends them unsigned */
    public GitHubWebhookSender(String webhookUrl, String secret) {
        this(URI.create(webhookUrl), secret, true);
    }

    private GitHubWebhookSender(URI webhookUrl, String secret, boolean expectContinue) {
        this.webhookUrl = webhookUrl;
        this.secret = secret;
        this.expectContinue = expectContinue;
    }

    /**
     * This sender as a simple client, or GitHub, sends: no {@code Expect: 100-continue}, however large the body, and
     * over a plain socket, the request written whole before the answer is read (the JDK's client would read an
     * early answer while still writing, which hides a server that closes the connection under a client).
     */
    public GitHubWebhookSender withoutExpectContinue() {
        return new GitHubWebhookSender(webhookUrl, secret, false);
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
        if (!expectContinue) {
            return sendWhole(event, deliveryId, body, signature);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(webhookUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/5f2b3c4")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-GitHub-Hook-ID", "109948940")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (expectContinue && body.length > LARGE_BODY) {
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

    private Sent sendWhole(String event, String deliveryId, byte[] body, String signature) {
        StringBuilder head = new StringBuilder("POST " + webhookUrl.getRawPath() + " HTTP/1.1\r\n")
                .append("Host: " + webhookUrl.getHost() + ":" + webhookUrl.getPort() + "\r\n")
                .append("Connection: close\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: " + body.length + "\r\n")
                .append("User-Agent: GitHub-Hookshot/5f2b3c4\r\n")
                .append("X-GitHub-Event: " + event + "\r\n")
                .append("X-GitHub-Delivery: " + deliveryId + "\r\n")
                .append("X-GitHub-Hook-ID: 109948940\r\n");
        if (signature != null) {
            head.append("X-Hub-Signature-256: " + signature + "\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return answer(deliveryId, socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP/1.1 answer read to the connection's end: its status, and its body (de-chunked when chunked). */
    private static Sent answer(String deliveryId, byte[] answer) {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IllegalStateException("no HTTP answer, got " + answer.length + " bytes");
        }
        String[] head = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(head[0].split(" ")[1]);
        boolean chunked = Arrays.stream(head)
                .map(line -> line.toLowerCase(Locale.ROOT))
                .anyMatch(line -> line.startsWith("transfer-encoding:") && line.contains("chunked"));
        String rest = text.substring(headEnd + 4);
        StringBuilder body = new StringBuilder();
        if (chunked) {
            int at = 0;
            int size;
            do {
                int lineEnd = rest.indexOf("\r\n", at);
                size = Integer.parseInt(
                        rest.substring(at, lineEnd).split(";")[0].trim(), 16);
                body.append(rest, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            } while (size > 0);
        } else {
            body.append(rest);
        }
        return new Sent(
                deliveryId,
                status,
                new String(body.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
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
