package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void deploy_keep_defaults_to_keeping_every_deploy_and_takes_1_to_1000() {
        assertThat(config(Map.of()).deployKeep()).isZero();
        assertThat(config(Map.of("DEPLOY_KEEP", "1")).deployKeep()).isEqualTo(1);
        assertThat(config(Map.of("DEPLOY_KEEP", " 1000 ")).deployKeep()).isEqualTo(1000);
        assertThat(config(Map.of("DEPLOY_KEEP", "0")).deployKeep()).isZero();
    }

    @Test
    void a_bad_deploy_keep_stops_the_start_naming_the_variable() {
        assertThatThrownBy(() -> config(Map.of("DEPLOY_KEEP", "1001")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessage("DEPLOY_KEEP must be between 0 and 1000, got 1001");
        assertThatThrownBy(() -> config(Map.of("DEPLOY_KEEP", "-1")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessage("DEPLOY_KEEP must be between 0 and 1000, got -1");
        assertThatThrownBy(() -> config(Map.of("DEPLOY_KEEP", "ten")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessage("DEPLOY_KEEP must be a whole number, got 'ten'");
    }

    private static WorkerConfig config(Map<String, String> values) {
        Map<String, String> env = new HashMap<>(values);
        env.put("WORKER_INSECURE_DEV", "true");
        return WorkerConfig.fromEnv(env);
    }
}
