package dev.repoworker.api.fallback;

import dev.repoworker.api.job.Runner;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job as a one-shot child process (the Cloud Run Job contract): the configured command as an
 * argument list, never through a shell, with the API's environment plus {@code JOB_ID}, {@code TASK},
 * {@code DATA} (JSON with the secrets: environment, never argv), {@code CALLBACK_URL},
 * {@code ATTEMPT} and {@code WORKER_SECRET}. At most {@code maxParallel} run at once. The callback URL's host
 * is added to the child's {@code ALLOWED_CALLBACK_HOSTS}: it is this API's own address, chosen by no request,
 * so the Worker code in the child may call it back even on a private network (such as localhost).
 */
public final class LocalProcessRunner implements LegacyJobRunner {

    /** Told when a child process ends, with the last lines of its output (secrets redacted). */
    public interface ExitListener {
        void exited(LegacyJob job, int exitCode, String outputTail);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessRunner.class);
    private static final int TAIL_LINES = 20;
    private static final List<String> NOT_FOR_CHILDREN = List.of("SECRETS_KEY", "DATABASE_PASSWORD");

    private final List<String> command;
    private final String workerSecret;
    private final Semaphore slots;
    private final ExitListener onExit;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    /** A virtual thread per child, which only waits for it to exit. */
    private final ExecutorService watchers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("legacy-job-watcher-", 1).factory());

    public LocalProcessRunner(List<String> command, int maxParallel, String workerSecret, ExitListener onExit) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a legacy job command is required");
        }
        this.command = List.copyOf(command);
        this.workerSecret = workerSecret;
        this.slots = new Semaphore(maxParallel);
        this.onExit = onExit;
    }

    @Override
    public Runner kind() {
        return Runner.FALLBACK;
    }

    @Override
    public boolean start(LegacyJob job) {
        if (!slots.tryAcquire()) {
            return false;
        }
        Process process;
        try {
            process = builder(job).start();
        } catch (IOException | RuntimeException e) {
            slots.release();
            throw new LegacyRunException(
                    "cannot start the legacy job command " + command.get(0) + ": " + e.getMessage());
        }
        running.put(job.jobId(), process);
        LOG.info("legacy job process {} started for job {} (attempt {})", process.pid(), job.jobId(), job.attempt());
        watchers.execute(() -> watch(job, process));
        return true;
    }

    private ProcessBuilder builder(LegacyJob job) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        NOT_FOR_CHILDREN.forEach(env::remove);
        env.put("JOB_ID", job.jobId());
        env.put("TASK", job.task());
        env.put("DATA", Json.write(job.data()));
        env.put("CALLBACK_URL", job.callbackUrl());
        env.put("ALLOWED_CALLBACK_HOSTS", withHostOf(job.callbackUrl(), env.get("ALLOWED_CALLBACK_HOSTS")));
        env.put("ATTEMPT", Integer.toString(job.attempt()));
        env.put("WORKER_SECRET", workerSecret);
        return builder;
    }

    /** {@code hosts} (a comma-separated list, or nothing) with the host of {@code url} listed exactly. */
    static String withHostOf(String url, String hosts) {
        String host = URI.create(url).getHost();
        List<String> listed = hosts == null || hosts.isBlank()
                ? List.of()
                : Arrays.stream(hosts.split(","))
                        .map(String::trim)
                        .filter(h -> !h.isEmpty())
                        .toList();
        if (host == null || listed.stream().anyMatch(host::equalsIgnoreCase)) {
            return String.join(",", listed);
        }
        return String.join(",", Stream.concat(listed.stream(), Stream.of(host)).toList());
    }

    private void watch(LegacyJob job, Process process) {
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String safe = Secrets.redactText(line, job.secretValues());
                LOG.debug("job {}: {}", job.jobId(), safe);
                tail.addLast(safe);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            int code = process.waitFor();
            LOG.info("legacy job process {} for job {} exited with {}", process.pid(), job.jobId(), code);
            onExit.exited(job, code, String.join("\n", tail));
        } catch (IOException e) {
            onExit.exited(job, -1, "output unreadable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            running.remove(job.jobId(), process);
            slots.release();
        }
    }

    @Override
    public int freeSlots() {
        return slots.availablePermits();
    }

    @Override
    public boolean isRunning(String jobId) {
        Process process = running.get(jobId);
        return process != null && process.isAlive();
    }

    @Override
    public void cancel(String jobId) {
        Process process = running.get(jobId);
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    @Override
    public void close() {
        running.values().forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        watchers.shutdownNow();
    }
}
