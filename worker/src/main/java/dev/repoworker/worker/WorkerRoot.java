package dev.repoworker.worker;

import dev.repoworker.embeddings.Chunker;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.KeptIndexes;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.net.HostResolver;
import dev.repoworker.protocol.net.NetworkPolicy;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.ArtifactStores;
import dev.repoworker.worker.artifacts.EarlierArtifacts;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.artifacts.ObjectStorage;
import dev.repoworker.worker.assets.BuildAssetsTask;
import dev.repoworker.worker.assets.BuildOptions;
import dev.repoworker.worker.deploy.DeployStore;
import dev.repoworker.worker.deploy.Deployments;
import dev.repoworker.worker.diagnostic.NoopTask;
import dev.repoworker.worker.embeddings.ComputeEmbeddingsTask;
import dev.repoworker.worker.enrich.EnrichDataTask;
import dev.repoworker.worker.pipeline.Pipelines;
import dev.repoworker.worker.process.CallbackSender;
import dev.repoworker.worker.process.CallbackUrlPolicy;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.JobLimits;
import dev.repoworker.worker.process.ProcessHandler;
import dev.repoworker.worker.process.WorkerMetrics;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.ConnectionCheck;
import dev.repoworker.worker.repo.Git;
import dev.repoworker.worker.repo.GitHubRepoHost;
import dev.repoworker.worker.repo.Gits;
import dev.repoworker.worker.repo.LocalRepoHost;
import dev.repoworker.worker.repo.NewRepoFromTemplateTask;
import dev.repoworker.worker.repo.RepoLimits;
import dev.repoworker.worker.repo.RepoUrlPolicy;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskRegistry;
import dev.repoworker.worker.workspace.Workspaces;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Worker's one composition root: every part built from a {@link WorkerConfig}, each feature given the plain values
 * it needs. The HTTP service ({@link WorkerApp}), the one-shot job ({@link OneShotJob}) and the local run
 * ({@link LocalRun}) all start here. Closing it closes the object storage client.
 */
public final class WorkerRoot implements AutoCloseable {

    private final WorkerConfig config;
    private final Optional<Signatures> signatures;
    private final CallbackUrlPolicy callbackUrls;
    private final Optional<ObjectStorage> objectStorage;
    private final TaskRegistry tasks;

    private WorkerRoot(WorkerConfig config, NetworkPolicy network, RepoUrlPolicy repoUrls) {
        this.config = config;
        this.signatures =
                config.authenticationRequired() ? Optional.of(Signatures.of(config.secrets())) : Optional.empty();
        this.callbackUrls = new CallbackUrlPolicy(config.allowedCallbackHosts(), network);
        this.objectStorage =
                config.s3Artifacts().map(settings -> new ObjectStorage(S3Clients.create(settings), settings));
        this.tasks = tasks(config, repoUrls, objectStorage);
    }

    /** Hosts of jobs' URLs checked through the system resolver. */
    public static WorkerRoot of(WorkerConfig config) {
        return of(config, HostResolver.SYSTEM);
    }

    /** Hosts of jobs' URLs checked through {@code resolver} (tests play DNS with it). */
    public static WorkerRoot of(WorkerConfig config, HostResolver resolver) {
        NetworkPolicy network = new NetworkPolicy(config.allowPrivateNetworks(), resolver);
        return new WorkerRoot(config, network, repoUrls(config, network));
    }

    /** Every task {@code config} offers, repository URLs checked by {@code repoUrls}, with no object storage: for checking data. */
    static TaskRegistry tasksForChecks(WorkerConfig config, RepoUrlPolicy repoUrls) {
        return tasks(config, repoUrls, Optional.empty());
    }

    public TaskRegistry tasks() {
        return tasks;
    }

    public Optional<Signatures> signatures() {
        return signatures;
    }

    /** The executor, counting into {@code metrics}; callbacks go only where the callback policy allows, checked at each attempt. */
    public JobExecutor executor(ScheduledExecutorService scheduler, Clock clock, WorkerMetrics metrics) {
        CallbackSender callbacks =
                new CallbackSender(callbackUrls, signatures, scheduler, config.callbackRetryWindow(), clock, metrics);
        JobLimits limits = new JobLimits(
                config.concurrency(),
                config.queueCapacity(),
                config.jobTimeout(),
                config.resultRetention(),
                config.resultRetentionMax(),
                config.firstProgressDelay());
        return new JobExecutor(
                limits,
                Workspaces.removingInBackground(config.tempDir(), config.keepTmpFiles()),
                callbacks,
                scheduler,
                clock,
                metrics);
    }

    /** Admission of {@code /process} requests (and the one-shot job's one request) into {@code executor}. */
    public ProcessHandler admission(JobExecutor executor) {
        return new ProcessHandler(tasks, callbackUrls, executor);
    }

    /** The Git implementation {@code GIT_IMPLEMENTATION} names, connecting only where {@code repoUrls} allows. */
    public static Git git(WorkerConfig config, RepoUrlPolicy repoUrls) {
        return Gits.forName(
                config.gitImplementation(), config.allowFileRepos(), repoLimits(config), repoUrls::addressesToConnect);
    }

    public static RepoLimits repoLimits(WorkerConfig config) {
        return new RepoLimits(config.maxRepoBytes(), config.maxRepoFiles());
    }

    public static RepoUrlPolicy repoUrls(WorkerConfig config, NetworkPolicy network) {
        return new RepoUrlPolicy(config.allowedRepoHosts(), config.allowHttpRepos(), config.allowFileRepos(), network);
    }

    @Override
    public void close() {
        objectStorage.ifPresent(ObjectStorage::close);
    }

    private static TaskRegistry tasks(
            WorkerConfig config, RepoUrlPolicy repoUrls, Optional<ObjectStorage> objectStorage) {
        Git git = git(config, repoUrls);
        AcquireRepoTask acquire = new AcquireRepoTask(git, repoUrls, config.githubToken());
        NewRepoFromTemplateTask template = template(config, git, repoUrls);
        LocalArtifactStore local = new LocalArtifactStore(config.artifactsDir());
        ArtifactStore store = ArtifactStores.of(local, objectStorage);
        Deployments deployments = new Deployments(
                DeployStore.of(config.artifactsDir(), objectStorage), config.deployKeep(), Clock.systemUTC());
        BuildAssetsTask build = new BuildAssetsTask(
                acquire,
                store,
                config.allowFileRepos(),
                Optional.of(config.cacheDir().resolve("media-cache")),
                BuildOptions.Limits.defaults().withMaxMediaBytes(config.maxMediaBytes()));
        EarlierArtifacts earlier = new EarlierArtifacts(local, objectStorage);
        ComputeEmbeddingsTask embeddings = new ComputeEmbeddingsTask(
                config.artifactsDir(),
                earlier,
                store,
                new ComputeEmbeddings(
                        config.embeddings().createEmbedder(),
                        config.embeddings().createCache(),
                        new Chunker(),
                        new KeptIndexes(config.cacheDir().resolve(ComputeEmbeddingsTask.KEPT_INDEXES))));
        EnrichDataTask enrich = new EnrichDataTask(earlier, store);
        List<Task<?>> all = new ArrayList<>(List.of(acquire, template, build, embeddings, enrich));
        all.addAll(Pipelines.all(store, local, deployments, acquire, template, build, embeddings, enrich));
        if (config.diagnosticTasks()) {
            all.add(new NoopTask());
        }
        return new TaskRegistry(all);
    }

    /**
     * {@code REPO_HOST=github} (default; {@code GITHUB_API_URL}) or {@code local} ({@code LOCAL_REPO_ROOT}). The template's
     * URL and GitHub's clone URL go through {@code repoUrls}; the local host's own bare repository needs no check.
     */
    private static NewRepoFromTemplateTask template(WorkerConfig config, Git git, RepoUrlPolicy repoUrls) {
        boolean local = config.repoHost().equals("local");
        if (local) {
            Git cloneNew = Gits.forName(config.gitImplementation(), true, repoLimits(config), ConnectionCheck.NONE);
            return new NewRepoFromTemplateTask(
                    new LocalRepoHost(config.localRepoRoot(), git), cloneNew, repoUrls, config.githubToken());
        }
        return new NewRepoFromTemplateTask(
                new GitHubRepoHost(URI.create(config.githubApiUrl())), git, repoUrls, config.githubToken());
    }
}
