package dev.repoworker.api;

import dev.repoworker.api.artifacts.ArtifactDelivery;
import dev.repoworker.api.dispatch.WorkerAuth;
import dev.repoworker.embeddings.EmbeddingsConfig;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the API reads from its environment, validated once: a bad value fails the start with
 * an {@link Env.InvalidConfigException} naming the variable.
 *
 * @param apiBaseUrl       how Workers reach this API, or null: {@code http://localhost:<port>}
 * @param workerUrls       the Workers' base URLs, used round-robin per dispatch; empty: every job then runs on
 *                         the fallback runner
 * @param workerSecrets    first signs, all verify; empty only in insecure development mode
 * @param secretsKey       base64 AES key, or null: a key is generated into {@code dataDir/secrets.key}
 * @param legacyCommand    the one-shot job command of the fallback runner; empty when there is none
 * @param simulate         development only ({@code SIMULATE_JOBS}, on by default there): a job no Worker takes
 *                         (none configured, or the Worker cannot be reached) walks to a simulated completion
 * @param host             the address HTTP binds to ({@code 0.0.0.0}: every interface)
 * @param dashboardToken   the dashboard's and {@code /metrics}' login token, or null
 * @param artifactsDir     where jobs' artifacts are, one folder per job id (shared with the Worker in standalone)
 * @param s3Artifacts      empty with {@code ARTIFACT_STORE=local} (the default); the Workers' bucket with {@code s3}:
 *                         artifacts are then read from it (the Workers' {@code S3_*} variables)
 * @param embeddings       how search queries are embedded ({@code EMBEDDINGS_*}, the Worker's settings)
 * @param maxPendingJobs   past this many pending jobs a submission is refused with 429 and {@code Retry-After}
 * @param dispatchBatch    the most jobs one claim hands over and one {@code POST /process} carries
 * @param jobRetention     finished jobs older than this are deleted with their events
 * @param workerAuth       what the API sends a Worker to authenticate ({@code WORKER_AUTH})
 * @param maxCallbackBytes the largest callback body taken (413 beyond); read as a stream, never held whole
 * @param devCallbackRoute {@code USE_DEV_CLOUDRUN_WORKER=true}: callbacks are also served at {@code /api/cloudrun-dev/callback}
 * @param allowPrivateNetworks {@code ALLOW_PRIVATE_NETWORKS=true} (development, tests): project webhook subscribers may be
 *                         private addresses (loopback, RFC 1918 …); refused otherwise, at create/PATCH and at send time
 * @param webhookRetryWindow how long a deployment webhook is retried after its event ({@code WEBHOOK_RETRY_WINDOW})
 * @param artifactDelivery {@code ARTIFACTS_DELIVERY}, {@code ARTIFACTS_REDIRECT_TTL}: artifacts streamed, or redirected to
 *                         presigned S3 URLs
 * @param searchCacheBytes {@code SEARCH_CACHE_SIZE}: with {@code ARTIFACT_STORE=s3}, how many bytes of downloaded search
 *                         indexes {@code DATA_DIR/search-cache} keeps (least recently searched deleted first)
 * @param githubWebhookSecret {@code GITHUB_WEBHOOK_SECRET}, the secret GitHub signs push webhooks with, or null: webhooks
 *                         are then refused, except in development, where they are taken unverified
 */
public record ApiConfig(
        int port,
        Path dataDir,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databaseMaxConnections,
        String apiBaseUrl,
        List<String> workerUrls,
        List<String> workerSecrets,
        boolean insecureDev,
        boolean development,
        boolean simulate,
        String secretsKey,
        String gitHostUrl,
        Duration jobLease,
        int maxAttempts,
        int dispatchMaxTries,
        Duration dispatchBackoff,
        Duration dispatchBackoffMax,
        Duration workerTimeout,
        Duration dispatchPoll,
        Duration dispatchClaim,
        Duration reconcilePoll,
        Duration simulationDelay,
        List<String> legacyCommand,
        int legacyMaxParallel,
        long maxBodyBytes,
        String host,
        String dashboardToken,
        Path artifactsDir,
        Optional<S3Settings> s3Artifacts,
        EmbeddingsConfig embeddings,
        Duration databaseConnectTimeout,
        int maxPendingJobs,
        int dispatchBatch,
        Duration jobRetention,
        WorkerAuth workerAuth,
        long maxCallbackBytes,
        boolean devCallbackRoute,
        boolean allowPrivateNetworks,
        Duration webhookRetryWindow,
        String githubWebhookSecret,
        ArtifactDelivery artifactDelivery,
        long searchCacheBytes) {

    public static final String CALLBACK_PATH = "/api/cloudrun/callback";
    /** The original API's callback path in its development mode ({@code USE_DEV_CLOUDRUN_WORKER=true}). */
    public static final String DEV_CALLBACK_PATH = "/api/cloudrun-dev/callback";
    /** The original API's body limit (its {@code MAX_UPLOAD_SIZE} of 20mb), which its Worker's callbacks may use up. */
    public static final long DEFAULT_MAX_CALLBACK_BYTES = 20L * 1024 * 1024;

    public ApiConfig {
        workerUrls = List.copyOf(workerUrls);
        workerSecrets = List.copyOf(workerSecrets);
        legacyCommand = List.copyOf(legacyCommand);
    }

    public static ApiConfig fromEnv(Map<String, String> variables) {
        return fromEnv(variables, List.of());
    }

    /**
     * @param defaultLegacyCommand the launcher's own {@code job} command, used when
     *                             {@code LEGACY_JOB_COMMAND} is not set
     */
    public static ApiConfig fromEnv(Map<String, String> variables, List<String> defaultLegacyCommand) {
        Env env = new Env(variables);
        int port = env.integer("PORT", 3000, 0, 65535);
        Path dataDir = env.path("DATA_DIR", Path.of("data")).toAbsolutePath().normalize();
        boolean development =
                "development".equalsIgnoreCase(env.text("NODE_ENV").orElse(env.text("APP_ENV", "production")));
        boolean insecure = env.flag("API_INSECURE_DEV", false);
        if (insecure && !development) {
            throw new Env.InvalidConfigException(
                    "API_INSECURE_DEV", "is only allowed when NODE_ENV or APP_ENV is development");
        }
        List<String> secrets = env.list("WORKER_SECRET", List.of());
        if (secrets.isEmpty() && !insecure) {
            throw new Env.InvalidConfigException(
                    "WORKER_SECRET",
                    "is required (a comma-separated list; the first signs); set API_INSECURE_DEV=true only for local development");
        }
        List<String> workerUrls = workerUrls(env);
        boolean simulate = env.flag("SIMULATE_JOBS", development);
        if (simulate && !development) {
            throw new Env.InvalidConfigException(
                    "SIMULATE_JOBS", "is only allowed when NODE_ENV or APP_ENV is development");
        }
        DatabaseLogin database = database(env, dataDir);
        return new ApiConfig(
                port,
                dataDir,
                database.url(),
                database.user(),
                database.password(),
                env.integer("DATABASE_MAX_CONNECTIONS", 10, 1, 200),
                env.httpUrl("API_BASE_URL", null),
                workerUrls,
                secrets,
                insecure,
                development,
                simulate,
                env.text("SECRETS_KEY").orElse(null),
                env.httpUrl("GIT_HOST_URL", "https://github.com"),
                env.positiveDuration("JOB_LEASE", Duration.ofMinutes(20)),
                env.integer("MAX_ATTEMPTS", 3, 1, 100),
                env.integer("DISPATCH_MAX_TRIES", 5, 1, 1000),
                env.positiveDuration("DISPATCH_BACKOFF", Duration.ofSeconds(1)),
                env.positiveDuration("DISPATCH_BACKOFF_MAX", Duration.ofMinutes(1)),
                env.positiveDuration("WORKER_TIMEOUT", Duration.ofSeconds(10)),
                env.positiveDuration("DISPATCH_POLL", Duration.ofMillis(500)),
                env.text("DISPATCH_CLAIM").isPresent() ? env.positiveDuration("DISPATCH_CLAIM", null) : null,
                env.positiveDuration("RECONCILE_POLL", Duration.ofSeconds(15)),
                env.duration("SIMULATION_DELAY", Duration.ofSeconds(2)),
                env.text("LEGACY_JOB_COMMAND")
                        .map(c -> CommandLine.split("LEGACY_JOB_COMMAND", c))
                        .orElse(defaultLegacyCommand),
                env.integer("LEGACY_MAX_PARALLEL", 2, 1, 64),
                env.integer("MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
                env.text("HOST", "0.0.0.0"),
                dashboardToken(env),
                env.path("ARTIFACTS_DIR", dataDir.resolve("artifacts"))
                        .toAbsolutePath()
                        .normalize(),
                S3Settings.fromEnv(variables),
                EmbeddingsConfig.fromEnv(variables, dataDir.resolve("embeddings-cache")),
                env.duration("DATABASE_CONNECT_TIMEOUT", Duration.ofSeconds(5), Duration.ofMillis(250)),
                env.integer("MAX_PENDING_JOBS", 10_000, 1, 100_000_000),
                env.integer("DISPATCH_BATCH", 100, 1, 100),
                env.positiveDuration("JOB_RETENTION", Duration.ofDays(30)),
                WorkerAuth.fromEnv(env),
                maxCallbackBytes(env),
                env.flag("USE_DEV_CLOUDRUN_WORKER", false),
                env.flag("ALLOW_PRIVATE_NETWORKS", false),
                env.positiveDuration("WEBHOOK_RETRY_WINDOW", Duration.ofHours(24)),
                env.text("GITHUB_WEBHOOK_SECRET").orElse(null),
                ArtifactDelivery.fromEnv(env, S3Settings.fromEnv(variables).isPresent()),
                searchCacheBytes(env));
    }

    private static long maxCallbackBytes(Env env) {
        long value = env.bytes("MAX_CALLBACK_BYTES", DEFAULT_MAX_CALLBACK_BYTES);
        if (value < 1024 || value > 1024L * 1024 * 1024) {
            throw new Env.InvalidConfigException("MAX_CALLBACK_BYTES", "must be between 1KB and 1GB");
        }
        return value;
    }

    private static long searchCacheBytes(Env env) {
        long value = env.bytes("SEARCH_CACHE_SIZE", 512L * 1024 * 1024);
        if (value < 1024 * 1024) {
            throw new Env.InvalidConfigException("SEARCH_CACHE_SIZE", "must be at least 1MB");
        }
        return value;
    }

    private static String dashboardToken(Env env) {
        String token = env.text("DASHBOARD_TOKEN").orElse(null);
        if (token != null && token.length() < 16) {
            throw new Env.InvalidConfigException("DASHBOARD_TOKEN", "must be at least 16 characters long");
        }
        return token;
    }

    /** True when HTTP listens on a loopback address only ({@code HOST=127.0.0.1}, {@code ::1} or {@code localhost}). */
    public boolean localhostOnly() {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    /**
     * {@code USE_DEV_CLOUDRUN_WORKER=true} with {@code REPO_WORKER_API_URL_DEV} → the DEV URL alone; otherwise
     * {@code REPO_WORKER_API_URLS} (comma-separated, used round-robin) when set, else {@code REPO_WORKER_API_URL};
     * empty when none is set.
     */
    static List<String> workerUrls(Env env) {
        if (env.flag("USE_DEV_CLOUDRUN_WORKER", false)) {
            String dev = env.httpUrl("REPO_WORKER_API_URL_DEV", null);
            if (dev != null) {
                return List.of(dev);
            }
        }
        List<String> listed = env.list("REPO_WORKER_API_URLS", List.of());
        if (!listed.isEmpty()) {
            return listed.stream()
                    .map(u -> Env.checkedHttpUrl("REPO_WORKER_API_URLS", u))
                    .distinct()
                    .toList();
        }
        String main = env.httpUrl("REPO_WORKER_API_URL", null);
        return main == null ? List.of() : List.of(main);
    }

    /** The first Worker URL, or null when there is none. */
    public String workerUrl() {
        return workerUrls.isEmpty() ? null : workerUrls.get(0);
    }

    /**
     * How long a hand-over holds before the reconciler asks the Worker about a job it has heard nothing of:
     * {@code DISPATCH_CLAIM}, else 3 × worker timeout + 30 s, never longer than {@code JOB_LEASE}. A job's first
     * callback extends its lease to {@code JOB_LEASE}.
     */
    public Duration dispatchClaimOrDefault() {
        Duration claim = dispatchClaim != null
                ? dispatchClaim
                : workerTimeout.multipliedBy(3).plus(Duration.ofSeconds(30));
        return claim.compareTo(jobLease) < 0 ? claim : jobLease;
    }

    /**
     * {@code DATABASE_URL} as JDBC wants it, with its user and password: a {@code postgres://user:pass@host:port/db}
     * URL (the form the original services and most hosts give) becomes {@code jdbc:postgresql://host:port/db} with
     * its login, unless {@code DATABASE_USER}/{@code DATABASE_PASSWORD} say otherwise.
     */
    private static DatabaseLogin database(Env env, Path dataDir) {
        String url = env.text("DATABASE_URL", embeddedDatabaseUrl(dataDir));
        String user = env.text("DATABASE_USER").orElse(null);
        String password = env.text("DATABASE_PASSWORD").orElse(null);
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new Env.InvalidConfigException("DATABASE_URL", "is not a valid URL");
            }
            if (uri.getHost() == null) {
                throw new Env.InvalidConfigException("DATABASE_URL", "names no host");
            }
            String login = uri.getRawUserInfo();
            if (login != null) {
                int colon = login.indexOf(':');
                String decodedUser = java.net.URLDecoder.decode(
                        colon < 0 ? login : login.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8);
                user = user != null ? user : decodedUser;
                if (colon >= 0 && password == null) {
                    password = java.net.URLDecoder.decode(
                            login.substring(colon + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            url = "jdbc:postgresql://" + (uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost())
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
        return new DatabaseLogin(url, user, password);
    }

    private record DatabaseLogin(String url, String user, String password) {}

    static String embeddedDatabaseUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.resolve("repo-worker.db");
    }

    /** {@code API_BASE_URL + /api/cloudrun/callback}; {@code actualPort} stands in when no base URL is set. */
    public String callbackUrl(int actualPort) {
        return (apiBaseUrl == null ? "http://127.0.0.1:" + actualPort : apiBaseUrl) + CALLBACK_PATH;
    }

    public Path secretsKeyFile() {
        return dataDir.resolve("secrets.key");
    }
}
