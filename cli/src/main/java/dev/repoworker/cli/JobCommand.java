package dev.repoworker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.worker.OneShotJob;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.WorkerError;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Runs one task to its end and exits: the legacy Cloud Run Job model.",
            "Reads JOB_ID, TASK, DATA (a JSON object) and CALLBACK_URL from the environment, runs the task "
                    + "with the Worker's own code, delivers the signed callback (with retries), prints one summary line.",
            "Exit status: 0 completed, 1 failed (or the callback could not be delivered), 2 bad input or configuration."
        })
final class JobCommand implements Callable<Integer> {

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    JobCommand() {
        this(System.getenv(), System.out, System.err);
    }

    JobCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        ProcessRequest request;
        WorkerConfig config;
        try {
            request = new ProcessRequest(
                    required("JOB_ID"), required("TASK"), required("CALLBACK_URL"), data(), attempt());
            config = WorkerConfig.fromEnv(withOneShotDefaults(env));
        } catch (BadInput | InvalidConfigException e) {
            err.println("repo-worker job: " + e.getMessage());
            return 2;
        }
        OneShotJob.Outcome outcome;
        try {
            outcome = OneShotJob.run(config, request);
        } catch (WorkerError e) {
            err.println("repo-worker job: " + e.getMessage());
            return 2;
        }
        String detail = outcome.completed()
                ? Json.write(outcome.callback().result())
                : outcome.callback().error();
        out.printf(
                "job %s %s%s: %s%n",
                request.jobId(),
                outcome.callback().status(),
                outcome.delivered() ? "" : " (callback NOT delivered)",
                detail);
        return outcome.completed() && outcome.delivered() ? 0 : 1;
    }

    private static Map<String, String> withOneShotDefaults(Map<String, String> env) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.putIfAbsent("WORKER_CONCURRENCY", "1");
        return copy;
    }

    private String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new BadInput(name + " is required");
        }
        return value;
    }

    private Map<String, Object> data() {
        String text = env.getOrDefault("DATA", "{}");
        try {
            Map<String, Object> data = Json.mapper().readValue(text.isBlank() ? "{}" : text, new TypeReference<>() {});
            if (data == null) {
                throw new BadInput("DATA must be a JSON object");
            }
            return data;
        } catch (JsonProcessingException e) {
            throw new BadInput("DATA must be a JSON object: " + e.getOriginalMessage());
        }
    }

    private Integer attempt() {
        String value = env.getOrDefault("ATTEMPT", env.get("JOB_ATTEMPT"));
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadInput("ATTEMPT must be a whole number");
        }
    }

    private static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }
}
