package dev.repoworker.worker;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Worker configurations for tests: random port, loopback callbacks and repositories (hosts listed exactly), local repositories allowed. */
final class TestWorkers {

    private TestWorkers() {}

    static Map<String, String> env(String secret, Path tempDir) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("WORKER_SECRET", secret);
        env.put("TEMP_DIR", tempDir.toString());
        env.put("ALLOW_FILE_REPOS", "true");
        env.put("ALLOW_HTTP_REPOS", "true");
        env.put("ALLOWED_REPO_HOSTS", "127.0.0.1,localhost");
        env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1,localhost");
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true");
        env.put("SHUTDOWN_GRACE", "5s");
        return env;
    }

    static WorkerApp start(Map<String, String> env) {
        return WorkerApp.start(WorkerConfig.fromEnv(env));
    }
}
