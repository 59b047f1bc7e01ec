package dev.repoworker.api;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real one-shot job program for the fallback tests: reads the Cloud Run Job environment and posts
 * a signed {@code completed} callback, reporting what it was given (without the token itself).
 * With the argument {@code exit=N} it exits with code N without calling back.
 */
public final class FakeJobProcess {

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].startsWith("exit=")) {
            System.out.println("failing on purpose");
            System.exit(Integer.parseInt(args[0].substring(5)));
        }
        Map<String, Object> data =
                Json.mapper().readValue(System.getenv("DATA"), new TypeReference<Map<String, Object>>() {});
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ranBy", "fake-job-process");
        result.put("task", System.getenv("TASK"));
        result.put("repoUrl", data.get("repoUrl"));
        result.put("gitAccessProvided", "s3cr3t-token".equals(data.get("gitToken")));
        result.put("allowedCallbackHosts", System.getenv("ALLOWED_CALLBACK_HOSTS"));
        int attempt = Integer.parseInt(System.getenv("ATTEMPT"));
        String body = Json.write(Callback.completed(System.getenv("JOB_ID"), attempt, result, Instant.now(), 5));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(System.getenv("CALLBACK_URL")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Signatures.of(List.of(System.getenv("WORKER_SECRET"))).headersFor(body).forEach(request::header);
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("callback answered " + response.statusCode());
        System.exit(response.statusCode() == 200 ? 0 : 3);
    }
}
