package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.api.dispatch.WorkerAuth;
import dev.repoworker.protocol.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("WORKER_SECRET", "s"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaults_are_the_documented_ones() {
        ApiConfig config = ApiConfig.fromEnv(env());

        assertThat(config.port()).isEqualTo(3000);
        assertThat(config.databaseUrl()).startsWith("jdbc:sqlite:").endsWith("/data/repo-worker.db");
        assertThat(config.callbackUrl(3000)).isEqualTo("http://127.0.0.1:3000/api/cloudrun/callback");
        assertThat(config.workerUrl()).isNull();
        assertThat(config.gitHostUrl()).isEqualTo("https://github.com");
        assertThat(config.jobLease()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.dispatchMaxTries()).isEqualTo(5);
        assertThat(config.legacyMaxParallel()).isEqualTo(2);
        assertThat(config.simulate()).isFalse();
        assertThat(config.secretsKeyFile().toString()).endsWith("data/secrets.key");
        assertThat(config.workerAuth()).isEqualTo(WorkerAuth.BOTH);
        assertThat(config.maxCallbackBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(config.devCallbackRoute()).isFalse();
    }

    @Test
    void worker_auth_callback_size_and_the_dev_callback_route_are_read_as_documented() {
        assertThat(ApiConfig.fromEnv(env("WORKER_AUTH", "signature")).workerAuth())
                .isEqualTo(WorkerAuth.SIGNATURE);
        assertThat(ApiConfig.fromEnv(env("WORKER_AUTH", "Bearer")).workerAuth()).isEqualTo(WorkerAuth.BEARER);
        assertThat(ApiConfig.fromEnv(env("WORKER_AUTH", "both")).workerAuth()).isEqualTo(WorkerAuth.BOTH);
        assertThat(ApiConfig.fromEnv(env("MAX_CALLBACK_BYTES", "50mb")).maxCallbackBytes())
                .isEqualTo(50L * 1024 * 1024);
        assertThat(ApiConfig.fromEnv(env("MAX_CALLBACK_BYTES", "4096")).maxCallbackBytes())
                .isEqualTo(4096);
        assertThat(ApiConfig.fromEnv(env("USE_DEV_CLOUDRUN_WORKER", "true")).devCallbackRoute())
                .isTrue();
    }

    @Test
    void the_worker_url_is_selected_exactly_as_configured() {
        assertThat(ApiConfig.fromEnv(env("REPO_WORKER_API_URL", "http://main:8080/"))
                        .workerUrl())
                .isEqualTo("http://main:8080");
        assertThat(ApiConfig.fromEnv(env("REPO_WORKER_API_URL", "http://main", "REPO_WORKER_API_URL_DEV", "http://dev"))
                        .workerUrl())
                .isEqualTo("http://main");
        assertThat(ApiConfig.fromEnv(env(
                                "REPO_WORKER_API_URL",
                                "http://main",
                                "REPO_WORKER_API_URL_DEV",
                                "http://dev",
                                "USE_DEV_CLOUDRUN_WORKER",
                                "true"))
                        .workerUrl())
                .isEqualTo("http://dev");
        assertThat(ApiConfig.fromEnv(env("REPO_WORKER_API_URL", "http://main", "USE_DEV_CLOUDRUN_WORKER", "true"))
                        .workerUrl())
                .isEqualTo("http://main");
    }

    @Test
    void a_worker_url_list_is_used_round_robin_and_the_dev_selection_still_wins() {
        assertThat(ApiConfig.fromEnv(env(
                                "REPO_WORKER_API_URLS",
                                "http://w1:8080/, http://w2:8080",
                                "REPO_WORKER_API_URL",
                                "http://main"))
                        .workerUrls())
                .containsExactly("http://w1:8080", "http://w2:8080");
        assertThat(ApiConfig.fromEnv(env("REPO_WORKER_API_URL", "http://main")).workerUrls())
                .containsExactly("http://main");
        assertThat(ApiConfig.fromEnv(env(
                                "REPO_WORKER_API_URLS",
                                "http://w1,http://w2",
                                "REPO_WORKER_API_URL_DEV",
                                "http://dev",
                                "USE_DEV_CLOUDRUN_WORKER",
                                "true"))
                        .workerUrls())
                .containsExactly("http://dev");
        assertThat(ApiConfig.fromEnv(env()).workerUrls()).isEmpty();
        assertThatThrownBy(() -> ApiConfig.fromEnv(env("REPO_WORKER_API_URLS", "http://w1,ftp://w2")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessageContaining("REPO_WORKER_API_URLS");
    }

    @Test
    void api_base_url_builds_the_callback_url_and_secrets_rotate() {
        ApiConfig config =
                ApiConfig.fromEnv(env("API_BASE_URL", "https://api.example.test", "WORKER_SECRET", "new, old"));

        assertThat(config.callbackUrl(1)).isEqualTo("https://api.example.test/api/cloudrun/callback");
        assertThat(config.workerSecrets()).containsExactly("new", "old");
    }

    @Test
    void the_legacy_command_is_split_without_a_shell_or_taken_from_the_launcher() {
        assertThat(ApiConfig.fromEnv(env("LEGACY_JOB_COMMAND", "java -cp 'a b.jar' Main \"job x\""))
                        .legacyCommand())
                .containsExactly("java", "-cp", "a b.jar", "Main", "job x");
        assertThat(ApiConfig.fromEnv(env(), List.of("java", "-cp", "cp", "dev.repoworker.cli.Main", "job"))
                        .legacyCommand())
                .containsExactly("java", "-cp", "cp", "dev.repoworker.cli.Main", "job");
    }

    @Test
    void simulation_is_on_in_development_unless_turned_off_and_never_in_production() {
        assertThat(ApiConfig.fromEnv(env("NODE_ENV", "development")).simulate()).isTrue();
        assertThat(ApiConfig.fromEnv(env("APP_ENV", "development", "SIMULATE_JOBS", "true"))
                        .simulate())
                .isTrue();
        assertThat(ApiConfig.fromEnv(env("NODE_ENV", "development", "REPO_WORKER_API_URL", "http://w"))
                        .simulate())
                .isTrue();
        assertThat(ApiConfig.fromEnv(env("NODE_ENV", "development", "SIMULATE_JOBS", "false"))
                        .simulate())
                .isFalse();
        assertThat(ApiConfig.fromEnv(env("NODE_ENV", "production")).simulate()).isFalse();
        assertThatThrownBy(() -> ApiConfig.fromEnv(env("NODE_ENV", "production", "SIMULATE_JOBS", "true")))
                .isInstanceOfSatisfying(
                        Env.InvalidConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("SIMULATE_JOBS"));
    }

    @Test
    void bad_values_fail_naming_the_variable() {
        Map<String, Map<String, String>> cases = Map.of(
                "PORT", env("PORT", "http"),
                "JOB_LEASE", env("JOB_LEASE", "soon"),
                "MAX_ATTEMPTS", env("MAX_ATTEMPTS", "0"),
                "REPO_WORKER_API_URL", env("REPO_WORKER_API_URL", "ftp://x"),
                "WORKER_SECRET", new HashMap<>(Map.of()),
                "API_INSECURE_DEV", new HashMap<>(Map.of("API_INSECURE_DEV", "true")),
                "LEGACY_JOB_COMMAND", env("LEGACY_JOB_COMMAND", "java 'unclosed"),
                "USE_DEV_CLOUDRUN_WORKER", env("USE_DEV_CLOUDRUN_WORKER", "maybe"),
                "WORKER_AUTH", env("WORKER_AUTH", "hmac"),
                "MAX_CALLBACK_BYTES", env("MAX_CALLBACK_BYTES", "100"));
        cases.forEach((variable, env) -> assertThatThrownBy(() -> ApiConfig.fromEnv(env))
                .as(variable)
                .isInstanceOfSatisfying(
                        Env.InvalidConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo(variable)));
    }

    @Test
    void insecure_development_needs_no_secret() {
        ApiConfig config = ApiConfig.fromEnv(Map.of("API_INSECURE_DEV", "true", "NODE_ENV", "development"));
        assertThat(config.workerSecrets()).isEmpty();
        assertThat(config.insecureDev()).isTrue();
    }
}
