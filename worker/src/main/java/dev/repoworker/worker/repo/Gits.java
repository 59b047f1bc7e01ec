package dev.repoworker.worker.repo;

import dev.repoworker.worker.WorkerConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Chooses the {@link Git} implementation: {@code cli}, {@code jgit}, or {@code auto} (CLI when it runs). */
public final class Gits {

    private Gits() {
    }

    public static Git forConfig(WorkerConfig config) {
        return forName(config.gitImplementation(), config.allowFileRepos(), RepoLimits.fromConfig(config));
    }

    public static Git forName(String implementation, boolean allowFileRepos, RepoLimits limits) {
        return switch (implementation == null ? "auto" : implementation.toLowerCase()) {
            case "cli" -> new CliGit(allowFileRepos, limits);
            case "jgit" -> new JGitGit(limits);
            case "auto" -> cliAvailable("git") ? new CliGit(allowFileRepos, limits) : new JGitGit(limits);
            default -> throw new IllegalArgumentException("git implementation must be auto, cli or jgit");
        };
    }

    /** True when {@code executable --version} runs and exits 0 within a few seconds. */
    public static boolean cliAvailable(String executable) {
        try {
            Process process = new ProcessBuilder(List.of(executable, "--version"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
