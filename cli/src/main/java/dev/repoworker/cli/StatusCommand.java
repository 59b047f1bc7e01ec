package dev.repoworker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a job as the API sees it: status, attempt, result or error, and its events.",
            "Exit status: 0 found, 1 unknown job or API unreachable, 2 bad id or a missing/wrong DASHBOARD_TOKEN.",
            "Sends DASHBOARD_TOKEN from the environment, when set, as the API's bearer token."
        })
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The job id that submit printed.")
    String id;

    @Option(
            names = "--api",
            defaultValue = "${env:REPO_WORKER_URL:-http://localhost:3000}",
            description = "The API's base URL (default: $REPO_WORKER_URL or ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--json", description = "Print the job as one line of JSON, for scripts (default: indented).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
            System.err.println("repo-worker status: '" + id + "' is not a job id");
            return 2;
        }
        try {
            JsonNode job = new ApiClient(api, System.getenv("DASHBOARD_TOKEN")).get(id);
            System.out.println(
                    json
                            ? Json.write(job)
                            : Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(job));
            return 0;
        } catch (ApiClient.ApiError e) {
            System.err.println("repo-worker status: " + e.getMessage());
            return e.status() == 404 ? 1 : 2;
        } catch (ConnectException e) {
            System.err.println("repo-worker status: cannot reach the API at " + api);
            return 1;
        } catch (IOException e) {
            System.err.println("repo-worker status: " + e);
            return 1;
        }
    }
}
