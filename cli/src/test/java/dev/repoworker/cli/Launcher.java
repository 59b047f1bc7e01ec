package dev.repoworker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the packaged launcher jar as a real child process, as an operator or Cloud Run would. */
final class Launcher {

    private Launcher() {}

    static Path jar() {
        Path jar = Path.of(System.getProperty("repoworker.jar", "target/repo-worker.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("launcher jar not built: " + jar.toAbsolutePath());
        }
        return jar;
    }

    /** What a finished command printed, apart, and its exit status. */
    record Result(int exit, String stdout, String stderr) {}

    /** Runs a command to its end (at most {@code timeoutSeconds}) with stdout and stderr kept apart. */
    static Result run(Map<String, String> env, Path dir, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".log");
        Path err = Files.createTempFile(dir, "stderr", ".log");
        ProcessBuilder builder = builder(env, args)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "repo-worker " + String.join(" ", args) + " still running after " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        return builder(env, args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static ProcessBuilder builder(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("JOB_")
                        || k.equals("TASK")
                        || k.equals("DATA")
                        || k.equals("CALLBACK_URL")
                        || k.startsWith("WORKER_")
                        || k.equals("PORT")
                        || k.startsWith("LOG_")
                        || k.equals("DATABASE_URL"));
        builder.environment().putAll(env);
        return builder;
    }
}
