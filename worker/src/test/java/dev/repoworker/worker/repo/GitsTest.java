package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.WorkerRoot;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitsTest {

    /** The Git the composition root picks for {@code config}. */
    private static Git git(WorkerConfig config) {
        return WorkerRoot.git(config, RepoUrlPolicy.formOnly());
    }

    private static WorkerConfig config(String implementation) {
        return WorkerConfig.fromEnv(Map.of("WORKER_INSECURE_DEV", "true", "GIT_IMPLEMENTATION", implementation));
    }

    @Test
    void the_configured_implementation_is_chosen() {
        assertThat(git(config("cli"))).isInstanceOf(CliGit.class);
        assertThat(git(config("jgit"))).isInstanceOf(JGitGit.class);
    }

    @Test
    void auto_prefers_the_cli_when_git_runs() {
        assertThat(Gits.cliAvailable("git")).isTrue();
        assertThat(git(config("auto")).name()).isEqualTo("cli");
    }

    @Test
    void auto_falls_back_to_jgit_without_an_executable() {
        assertThat(Gits.cliAvailable("/nonexistent/git-binary")).isFalse();
    }
}
