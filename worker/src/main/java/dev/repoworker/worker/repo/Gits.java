package dev.repoworker.worker.repo;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Chooses the {@link Git} implementation: {@code cli}, {@code jgit}, or {@code auto} (CLI when it runs). */
public final class Gits {

    private Gits() {}

    public static Git forName(String implementation, boolean allowFileRepos, RepoLimits limits, ConnectionCheck check) {
        return switch (implementation == null ? "auto" : implementation.toLowerCase()) {
            case "cli" -> new CliGit("git", allowFileRepos, limits, check);
            case "jgit" -> new JGitGit(limits, check);
            case "auto" ->
                cliAvailable("git") ? new CliGit("git", allowFileRepos, limits, check) : new JGitGit(limits, check);
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
