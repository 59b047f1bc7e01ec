package dev.repoworker.worker.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub's "create a repository using a template" ({@code POST /repos/{owner}/{repo}/generate}),
 * on github.com or a GitHub Enterprise API base ({@code GITHUB_API_URL}).
 */
public final class GitHubRepoHost implements RepoHost {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI apiBase;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public GitHubRepoHost(URI apiBase) {
        String base = apiBase.toString();
        this.apiBase = URI.create(base.endsWith("/") ? base : base + "/");
    }

    @Override
    public String name() {
        return "github";
    }

    @Override
    public void check(TemplateRequest request) throws InvalidTaskDataException {
        if (ownerAndRepo(request.templateRepoUrl()).isEmpty()) {
            throw new InvalidTaskDataException(
                    "templateRepoUrl", "must name a repository as https://host/{owner}/{repo}");
        }
        if (request.token().isEmpty()) {
            throw new InvalidTaskDataException(
                    "gitToken", "is required to create a repository on GitHub (or set the Worker's GITHUB_TOKEN)");
        }
    }

    @Override
    public NewRepo create(TemplateRequest request, TaskContext context)
            throws TaskFailedException, InterruptedException {
        List<String> template = ownerAndRepo(request.templateRepoUrl())
                .orElseThrow(() -> new TaskFailedException("templateRepoUrl does not name a repository"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", request.newRepoName());
        request.description().ifPresent(d -> body.put("description", d));
        body.put("private", request.isPrivate());
        HttpRequest post = HttpRequest.newBuilder(
                        apiBase.resolve("repos/" + template.get(0) + "/" + template.get(1) + "/generate"))
                .timeout(TIMEOUT)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Authorization", "Bearer " + request.token().orElseThrow())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TaskFailedException(
                    "GitHub API unreachable: " + e.getClass().getSimpleName());
        }
        int status = response.statusCode();
        if (status == 201 || status == 200) {
            return parse(response.body());
        }
        throw new TaskFailedException(explain(status, response.body()));
    }

    private static NewRepo parse(String body) throws TaskFailedException {
        try {
            JsonNode repo = Json.mapper().readTree(body);
            String cloneUrl = repo.path("clone_url").asText("");
            if (cloneUrl.isEmpty()) {
                throw new TaskFailedException("GitHub answered without a clone_url");
            }
            return new NewRepo(
                    repo.path("name").asText(),
                    repo.path("full_name").asText(),
                    repo.path("html_url").asText(),
                    cloneUrl,
                    repo.path("private").asBoolean(false),
                    repo.path("default_branch").asText("main"));
        } catch (IOException e) {
            throw new TaskFailedException("GitHub answered with something that is not JSON");
        }
    }

    static String explain(int status, String body) {
        String message = "";
        try {
            message = Json.mapper().readTree(body).path("message").asText("");
            JsonNode errors = Json.mapper().readTree(body).path("errors");
            if (errors.toString().toLowerCase().contains("already exists")) {
                message = "already exists";
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the status alone explains it
        }
        return switch (status) {
            case 401 -> "authentication failed";
            case 403 ->
                "forbidden: the token may not create repositories from this template"
                        + (message.isEmpty() ? "" : " (" + message + ")");
            case 404 -> "template repository not found";
            case 422 ->
                message.toLowerCase().contains("already exists")
                        ? "repository already exists"
                        : "GitHub refused the repository: " + (message.isEmpty() ? "unprocessable" : message);
            default -> "GitHub API answered HTTP " + status + (message.isEmpty() ? "" : ": " + message);
        };
    }

    /** [owner, repo] from {@code https://host/owner/repo(.git)}. */
    static Optional<List<String>> ownerAndRepo(String url) {
        try {
            String path = URI.create(url).getPath();
            if (path == null) {
                return Optional.empty();
            }
            String[] parts = path.replaceAll("^/+|/+$", "").split("/");
            if (parts.length != 2) {
                return Optional.empty();
            }
            String repo = parts[1].endsWith(".git") ? parts[1].substring(0, parts[1].length() - 4) : parts[1];
            boolean valid = parts[0].matches("[A-Za-z0-9._-]{1,100}") && repo.matches("[A-Za-z0-9._-]{1,100}");
            return valid ? Optional.of(List.of(parts[0], repo)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
