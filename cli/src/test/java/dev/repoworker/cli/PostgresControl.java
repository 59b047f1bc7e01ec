package dev.repoworker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stops and starts the machine's PostgreSQL cluster ({@code pg_ctlcluster}). Whoever stops it must
 * start it again: {@link #start} runs from a finally block and from a JVM shutdown hook.
 */
final class PostgresControl {

    private final String version;
    private volatile boolean stoppedByUs;

    private PostgresControl(String version) {
        this.version = version;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (stoppedByUs) {
                                start();
                            }
                        },
                        "restart-postgres"));
    }

    /** Present when {@code pg_ctlcluster} and a cluster under {@code /etc/postgresql} exist. */
    static Optional<PostgresControl> find() {
        Path etc = Path.of("/etc/postgresql");
        if (!Files.isDirectory(etc) || !onPath("pg_ctlcluster")) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(etc)) {
            return versions.map(p -> p.getFileName().toString())
                    .filter(v -> Files.isDirectory(etc.resolve(v).resolve("main")))
                    .sorted()
                    .findFirst()
                    .map(PostgresControl::new);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void stop() {
        stoppedByUs = true;
        run("stop", "-m", "fast");
    }

    void start() {
        run("start");
        stoppedByUs = false;
    }

    private void run(String action, String... options) {
        List<String> command =
                new ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action));
        command.addAll(List.of(options));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            // "start" on a running cluster exits 2: that is fine, the cluster is up
            if (process.exitValue() != 0 && !(action.equals("start") && output.contains("already running"))) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
