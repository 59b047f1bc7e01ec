package dev.repoworker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submits a job to a running API and prints its id.",
            "With --wait, shows its progress until it ends: a bar on a terminal, one plain line per step otherwise "
                    + "(on stderr). With --json, stdout holds one JSON document: the job (with --wait, as it ended). Exit status: 0 submitted (with --wait: completed), "
                    + "1 failed or cancelled or the API unreachable, 2 refused: bad input, or a missing/wrong DASHBOARD_TOKEN.",
            "Sends DASHBOARD_TOKEN from the environment, when set, as the API's bearer token."
        })
final class SubmitCommand implements Callable<Integer> {

    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    @Parameters(
            index = "0",
            description =
                    "Task: a worker task (acquire-user-repo, process-with-repo, …) or clone-repo, import-repo, deploy-repo.")
    String task;

    @Option(
            names = "--data",
            defaultValue = "{}",
            description = "The job's data as a JSON object, or @FILE to read it from a file.")
    String data;

    @Option(names = "--project-id", description = "Project the job belongs to.")
    String projectId;

    @Option(
            names = "--api",
            defaultValue = "${env:REPO_WORKER_URL:-http://localhost:3000}",
            description = "The API's base URL (default: $REPO_WORKER_URL or ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--wait", description = "Wait for the job to end, showing its progress.")
    boolean wait;

    @Option(
            names = "--json",
            description =
                    "Print the job as one line of JSON instead of its id (with --wait: the finished job), for scripts.")
    boolean json;

    @Option(
            names = "--timeout",
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "How long --wait waits: 30s, 15m, 2h or ISO-8601 PT30M (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> payload;
        try {
            payload = parseData();
        } catch (IllegalArgumentException e) {
            System.err.println("repo-worker submit: " + e.getMessage());
            return 2;
        }
        ApiClient client = new ApiClient(api, System.getenv("DASHBOARD_TOKEN"));
        try {
            JsonNode created = client.submit(task, payload, projectId);
            String id = created.path("id").asText();
            if (wait) {
                if (!json) {
                    System.out.println(id);
                }
                return follow(client, id);
            }
            System.out.println(json ? Json.write(created) : id);
            return 0;
        } catch (ApiClient.ApiError e) {
            System.err.println("repo-worker submit: refused (HTTP " + e.status() + "): " + e.getMessage()
                    + (e.field() == null ? "" : " (field " + e.field() + ")"));
            return e.status() / 100 == 4 ? 2 : 1;
        } catch (ConnectException e) {
            System.err.println("repo-worker submit: cannot reach the API at " + api);
            return 1;
        } catch (IOException e) {
            System.err.println("repo-worker submit: " + e);
            return 1;
        }
    }

    /** Follows the job's event stream (SSE) for the progress bar; polls the job instead when the stream is unavailable. */
    private int follow(ApiClient client, String id) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        ProgressBar bar = new ProgressBar(System.err, Terminal.isInteractive());
        if (!streamed(client, id, bar, deadline)) {
            return poll(client, id, bar, deadline);
        }
        bar.end();
        return outcome(client.get(id));
    }

    /** True when the stream ran to its end (the job is final); false when it failed or the wait timed out. */
    private static boolean streamed(ApiClient client, String id, ProgressBar bar, Instant deadline)
            throws InterruptedException {
        String[] status = {"pending"};
        JsonNode[] progress = {null};
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "submit-events");
            t.setDaemon(true);
            return t;
        });
        Future<ApiClient.StreamEvent> end = reader.submit(() -> client.follow(id, event -> {
            if (event.name().equals("job")) {
                status[0] = event.data().path("status").asText(status[0]);
            } else if (event.name().equals("event")
                    && event.data().path("type").asText().equals("progress")) {
                progress[0] = progressOf(event.data());
            } else if (event.name().equals("event")
                    && event.data().path("type").asText().equals("retry")) {
                progress[0] = null;
            }
            bar.show(status[0], progress[0]);
        }));
        try {
            return end.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS)
                    != null;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            bar.end();
            System.err.println("repo-worker submit: live progress unavailable ("
                    + e.getCause().getMessage() + "); polling instead");
            return false;
        } finally {
            end.cancel(true);
            reader.shutdownNow();
        }
    }

    private int poll(ApiClient client, String id, ProgressBar bar, Instant deadline)
            throws IOException, InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = client.get(id);
            String status = job.path("status").asText();
            bar.show(status, latestProgress(job));
            if (FINAL.contains(status)) {
                bar.end();
                return outcome(job);
            }
            Thread.sleep(300);
        }
        bar.end();
        System.err.println(
                "repo-worker submit: still not finished after " + timeout + "; see `repo-worker status " + id + "`");
        if (json) {
            System.out.println(Json.write(client.get(id)));
        }
        return 1;
    }

    /** Prints how the job ended (with --json, the job itself on stdout); 0 when it completed. */
    private int outcome(JsonNode job) {
        if (json) {
            System.out.println(Json.write(job));
        }
        String status = job.path("status").asText();
        if (status.equals("completed")) {
            System.err.println("completed: " + job.path("result"));
            return 0;
        }
        System.err.println(status + ": " + job.path("error").asText(""));
        return 1;
    }

    /** The newest progress event of the current attempt as {step, done, total, message}, or null. */
    private static JsonNode latestProgress(JsonNode job) {
        JsonNode latest = null;
        int attempt = job.path("attempt").asInt();
        for (JsonNode event : job.path("events")) {
            if (event.path("type").asText().equals("progress")
                    && event.path("attempt").asInt() == attempt) {
                latest = progressOf(event);
            }
        }
        return latest;
    }

    /** A progress event as the bar shows it: {step, done, total, message}. */
    private static JsonNode progressOf(JsonNode event) {
        ObjectNode progress = Json.mapper().createObjectNode();
        JsonNode data = event.path("data");
        progress.put("step", data.path("step").asText(""));
        progress.put("done", data.path("done").asLong());
        progress.put("total", data.path("total").asLong());
        progress.put("message", event.path("message").asText(""));
        return progress;
    }

    private Map<String, Object> parseData() {
        String text = data;
        if (text.startsWith("@")) {
            try {
                text = Files.readString(Path.of(text.substring(1)));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("cannot read --data file " + text.substring(1) + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read --data file " + text.substring(1) + ": " + e.getMessage());
            }
        }
        try {
            Map<String, Object> parsed = Json.mapper().readValue(text, new TypeReference<>() {});
            if (parsed == null) {
                throw new IllegalArgumentException("--data must be a JSON object");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--data must be a JSON object: " + e.getOriginalMessage());
        }
    }
}
