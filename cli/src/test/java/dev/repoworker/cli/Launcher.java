package dev.repoworker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the packaged launcher jar as a real child process, as an operator or Cloud Run would. */
final class Launcher {

    private Launcher() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("repoworker.jar", "target/repo-worker.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("launcher jar not built: " + jar.toAbsolutePath());
        }
        return jar;
    }

    static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("JOB_") || k.equals("TASK") || k.equals("DATA")
                || k.equals("CALLBACK_URL") || k.startsWith("WORKER_") || k.equals("PORT"));
        builder.environment().putAll(env);
        return builder.start();
    }
}
