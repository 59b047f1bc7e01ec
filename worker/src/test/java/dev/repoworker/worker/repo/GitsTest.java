package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.worker.WorkerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitsTest {

    private static WorkerConfig config(String implementation) {
        return WorkerConfig.fromEnv(Map.of("WORKER_INSECURE_DEV", "true", "GIT_IMPLEMENTATION", implementation));
    }

    @Test
    void the_configured_implementation_is_chosen() {
        assertThat(Gits.forConfig(config("cli"))).isInstanceOf(CliGit.class);
        assertThat(Gits.forConfig(config("jgit"))).isInstanceOf(JGitGit.class);
    }

    @Test
    void auto_prefers_the_cli_when_git_runs() {
        assertThat(Gits.cliAvailable("git")).isTrue();
        assertThat(Gits.forConfig(config("auto")).name()).isEqualTo("cli");
    }

    @Test
    void auto_falls_back_to_jgit_without_an_executable() {
        assertThat(Gits.cliAvailable("/nonexistent/git-binary")).isFalse();
    }
}
