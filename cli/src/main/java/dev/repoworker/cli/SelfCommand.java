package dev.repoworker.cli;

import java.nio.file.Path;
import java.util.List;

/** How to start this very launcher again as a child process (the API's legacy fallback runs {@code job}). */
final class SelfCommand {

    private SelfCommand() {}

    static List<String> job() {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "job");
    }
}
