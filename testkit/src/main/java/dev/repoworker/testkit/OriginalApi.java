package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stands in for the original Node.js API when it talks to a Worker: {@code POST {worker}/process} with
 * {@code {jobId, task, callbackUrl, data}}, {@code Authorization: Bearer <WORKER_SECRET>} when a secret is set and
 * no other authentication (no {@code webhook-*} headers, no {@code attempt}), job ids that look like MongoDB
 * ObjectIds, and {@code data} built per task exactly as the original's {@code lib/cloudRun.js} builds it.
 * Fields the original leaves {@code undefined} are left out, as
 * its {@code JSON.stringify} does.
 */
public final class OriginalApi {

    /** The Worker's answer: the original treats any 2xx as accepted. */
    public record Sent(String jobId, int status, JsonNode body) {}

    /** The original's deploy-repo inputs, with its defaults filled in by {@link #of}. */
    public record Deploy(
            String userId,
            String projectId,
            String repoUrl,
            String commit,
            String branch,
            String gitToken,
            String notePrefix,
            String mediaPrefix,
            String domain) {

        /** As {@code createRepoDeployJob} defaults them: commit "latest", branch main, empty note prefix and domain. */
        public static Deploy of(String userId, String projectId, String repoUrl) {
            return new Deploy(userId, projectId, repoUrl, "latest", "main", null, "", "/_repo/medias", "");
        }

        public Deploy withCommit(String sha) {
            return new Deploy(userId, projectId, repoUrl, sha, branch, gitToken, notePrefix, mediaPrefix, domain);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String workerUrl;
    private final Optional<String> workerSecret;

    private OriginalApi(String workerUrl, Optional<String> workerSecret) {
        this.workerUrl = workerUrl.replaceAll("/+$", "");
        this.workerSecret = workerSecret;
    }

    /** Posts to {@code workerUrl}; {@code workerSecret} null means no Authorization header, as the original without one. */
    public static OriginalApi to(String workerUrl, String workerSecret) {
        return new OriginalApi(workerUrl, Optional.ofNullable(workerSecret).filter(s -> !s.isBlank()));
    }

    /** A job id as the original makes them: a MongoDB ObjectId, 24 hex digits starting with the time in seconds. */
    public static String newJobId() {
        byte[] rest = new byte[8];
        RANDOM.nextBytes(rest);
        return "%08x".formatted(System.currentTimeMillis() / 1000)
                + HexFormat.of().formatHex(rest);
    }

    /** The original's {@code clone-repo}: worker task {@code acquire-user-repo}, depth 1. */
    public Sent cloneRepo(
            String jobId, String callbackUrl, String userId, String repoUrl, String branch, String gitToken) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.put("repoUrl", repoUrl);
        data.put("branch", branch == null ? "main" : branch);
        putIfDefined(data, "gitToken", gitToken);
        data.put("depth", 1);
        return send(jobId, "acquire-user-repo", callbackUrl, data);
    }

    /** The original's {@code import-repo}: worker task {@code process-with-repo}; the import route never sends a token. */
    public Sent importRepo(String jobId, String callbackUrl, String userId, String sourceUrl, String branch) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.put("repoUrl", sourceUrl);
        data.put("branch", branch == null ? "main" : branch);
        return send(jobId, "process-with-repo", callbackUrl, data);
    }

    /** The original's {@code deploy-repo}: the same task name on the worker. */
    public Sent deployRepo(String jobId, String callbackUrl, Deploy deploy) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", deploy.userId());
        data.put("projectId", deploy.projectId());
        data.put("commit", deploy.commit() == null ? "latest" : deploy.commit());
        data.put("branch", deploy.branch() == null ? "main" : deploy.branch());
        putIfDefined(data, "gitToken", deploy.gitToken());
        data.put("notePrefix", deploy.notePrefix() == null ? "" : deploy.notePrefix());
        data.put("mediaPrefix", deploy.mediaPrefix() == null ? "/_repo/medias" : deploy.mediaPrefix());
        data.put("domain", deploy.domain() == null ? "" : deploy.domain());
        data.put("repoUrl", deploy.repoUrl());
        return send(jobId, "deploy-repo", callbackUrl, data);
    }

    /** One {@code POST /process}, with only the headers the original sends. */
    public Sent send(String jobId, String task, String callbackUrl, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", jobId);
        body.put("task", task);
        body.put("callbackUrl", callbackUrl);
        body.put("data", data);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(workerUrl + "/process"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        workerSecret.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body().isBlank()
                    ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(response.body());
            return new Sent(jobId, response.statusCode(), answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting to " + workerUrl, e);
        }
    }

    private static void putIfDefined(Map<String, Object> data, String field, Object value) {
        if (value != null) {
            data.put(field, value);
        }
    }
}
