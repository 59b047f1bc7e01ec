package dev.repoworker.worker;

import dev.repoworker.embeddings.EmbeddingsConfig;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Env;
import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.worker.assets.BuildOptions;
import dev.repoworker.worker.process.ReplayGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the Worker reads from its environment, checked once at start. {@code cacheDir}
 * ({@code CACHE_DIR}, default {@code TEMP_DIR}) holds what outlives a job: media variants and chunk
 * vectors by content hash. {@code s3Artifacts}: empty with {@code ARTIFACT_STORE=local} (the default), the bucket's
 * settings with {@code ARTIFACT_STORE=s3}. {@code deployKeep} ({@code DEPLOY_KEEP}): how many complete deploys a project
 * keeps besides its active one, 0 (the default) for all.
 */
public record WorkerConfig(
        String host,
        int port,
        List<String> secrets,
        boolean insecureDev,
        Path tempDir,
        Path cacheDir,
        int concurrency,
        int queueCapacity,
        Duration jobTimeout,
        Optional<String> githubToken,
        List<String> allowedRepoHosts,
        List<String> allowedCallbackHosts,
        boolean allowFileRepos,
        boolean allowHttpRepos,
        boolean allowPrivateNetworks,
        boolean keepTmpFiles,
        Duration shutdownGrace,
        Duration callbackRetryWindow,
        Duration resultRetention,
        int resultRetentionMax,
        Duration firstProgressDelay,
        int replayGuardMaxIds,
        String gitImplementation,
        long maxRepoBytes,
        int maxRepoFiles,
        long maxBodyBytes,
        long maxMediaBytes,
        boolean diagnosticTasks,
        String repoHost,
        Path localRepoRoot,
        String githubApiUrl,
        Path artifactsDir,
        int deployKeep,
        Optional<S3Settings> s3Artifacts,
        EmbeddingsConfig embeddings) {

    public static final List<String> ANY_HOST = List.of();
    public static final long DEFAULT_MAX_REPO_BYTES = 2L * 1024 * 1024 * 1024;
    public static final int DEFAULT_MAX_REPO_FILES = 200_000;

    public static WorkerConfig fromEnv(Map<String, String> environment) {
        Env env = new Env(environment);
        List<String> secrets = env.list("WORKER_SECRET", List.of());
        boolean insecure = env.flag("WORKER_INSECURE_DEV", false);
        if (secrets.isEmpty() && !insecure) {
            throw new InvalidConfigException(
                    "WORKER_SECRET",
                    "is required (comma-separated for rotation); set WORKER_INSECURE_DEV=true only for local development");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int concurrency = env.integer("WORKER_CONCURRENCY", cores, 1, 1024);
        String git = env.text("GIT_IMPLEMENTATION", "auto").toLowerCase();
        if (!List.of("auto", "cli", "jgit").contains(git)) {
            throw new InvalidConfigException("GIT_IMPLEMENTATION", "must be auto, cli or jgit, got '" + git + "'");
        }
        String repoHost = env.text("REPO_HOST", "github").toLowerCase();
        if (!List.of("github", "local").contains(repoHost)) {
            throw new InvalidConfigException("REPO_HOST", "must be github or local, got '" + repoHost + "'");
        }
        String systemTemp = environment.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir"));
        Path tempDir = env.path(
                "TEMP_DIR",
                Path.of(systemTemp.isBlank() ? System.getProperty("java.io.tmpdir") : systemTemp, "repo-worker"));
        Path cacheDir = env.path("CACHE_DIR", tempDir);
        return new WorkerConfig(
                env.text("HOST", "0.0.0.0"),
                env.integer("PORT", 8080, 0, 65535),
                secrets,
                insecure,
                tempDir,
                cacheDir,
                concurrency,
                env.integer("WORKER_QUEUE_SIZE", concurrency * 16, 0, 1_000_000),
                env.positiveDuration("JOB_TIMEOUT", Duration.ofMinutes(15)),
                env.text("GITHUB_TOKEN"),
                env.list("ALLOWED_REPO_HOSTS", List.of("github.com")),
                env.list("ALLOWED_CALLBACK_HOSTS", ANY_HOST),
                env.flag("ALLOW_FILE_REPOS", false),
                env.flag("ALLOW_HTTP_REPOS", false),
                env.flag("ALLOW_PRIVATE_NETWORKS", false),
                env.flag("KEEP_TMP_FILES", false),
                env.duration("SHUTDOWN_GRACE", Duration.ofSeconds(30)),
                env.positiveDuration("CALLBACK_RETRY_WINDOW", Duration.ofMinutes(30)),
                env.positiveDuration("RESULT_RETENTION", Duration.ofHours(1)),
                env.integer("RESULT_RETENTION_MAX", 100_000, 1, 10_000_000),
                env.duration("FIRST_PROGRESS_DELAY", Duration.ofMillis(250)),
                env.integer("REPLAY_GUARD_MAX_IDS", ReplayGuard.DEFAULT_CAPACITY, 1, 100_000_000),
                git,
                env.bytes("MAX_REPO_BYTES", DEFAULT_MAX_REPO_BYTES),
                env.integer("MAX_REPO_FILES", DEFAULT_MAX_REPO_FILES, 1, Integer.MAX_VALUE),
                env.integer("MAX_BODY_BYTES", 1_048_576, 1024, Integer.MAX_VALUE),
                env.bytes("MAX_MEDIA_BYTES", BuildOptions.Limits.defaults().maxMediaBytes()),
                env.flag("ENABLE_DIAGNOSTIC_TASKS", false),
                repoHost,
                env.path("LOCAL_REPO_ROOT", Path.of("data", "repos"))
                        .toAbsolutePath()
                        .normalize(),
                env.httpUrl("GITHUB_API_URL", "https://api.github.com"),
                env.path("ARTIFACTS_DIR", tempDir.resolve("artifacts"))
                        .toAbsolutePath()
                        .normalize(),
                env.integer("DEPLOY_KEEP", 0, 0, 1000),
                S3Settings.fromEnv(environment),
                EmbeddingsConfig.fromEnv(environment, cacheDir.resolve("embeddings-cache")));
    }

    /** Signatures are required unless the worker runs in insecure development mode. */
    public boolean authenticationRequired() {
        return !secrets.isEmpty();
    }
}
