package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@link Git} in process with JGit, for machines without a {@code git} executable. A pinned commit
 * is fetched with the branch's full history (JGit cannot ask for a single sha shallowly), and with
 * every branch when it is not on that one. HTTP goes through {@link CheckedHttpConnections}: the
 * {@link ConnectionCheck} before each connection, and no redirect to another host.
 *
 * <p>Limits as in {@link CliGit}: the download runs without checkout under a {@link DiskWatch} that
 * cancels it through the progress monitor (JGit looks between objects, so one object in flight is
 * received before it stops); then a {@link TreeWalk} counts the files and sums their sizes from the
 * object database, and only a tree within the limits is checked out. Submodules are never fetched.
 */
public final class JGitGit implements Git {

    private static final int TIMEOUT_SECONDS = 120;
    private static final long CANCEL_WAIT_MS = 10_000;

    private final RepoLimits limits;
    private final ConnectionCheck connectionCheck;

    /** With the default {@link RepoLimits} and no connection check: for URLs the Worker made itself, and tests. */
    public JGitGit() {
        this(RepoLimits.DEFAULTS, ConnectionCheck.NONE);
    }

    public JGitGit(RepoLimits limits) {
        this(limits, ConnectionCheck.NONE);
    }

    public JGitGit(ConnectionCheck connectionCheck) {
        this(RepoLimits.DEFAULTS, connectionCheck);
    }

    public JGitGit(RepoLimits limits, ConnectionCheck connectionCheck) {
        this.limits = limits;
        this.connectionCheck = connectionCheck;
    }

    @Override
    public String name() {
        return "jgit";
    }

    @Override
    public Cloned cloneRepo(CloneRequest request, Path directory, GitProgress progress)
            throws TaskFailedException, InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("clone stopped because the job was interrupted");
        }
        Path dir = directory.toAbsolutePath().normalize();
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(request.token(), List.of(dir));
        connectionCheck.addressesFor(request.url());
        if (!isEmptyOrMissing(dir)) {
            throw new TaskFailedException("git clone failed: destination path '" + scrubber.scrub(dir.toString())
                    + "' already exists and is not an empty directory");
        }
        Monitor monitor = new Monitor(progress);
        // JGit swallows interrupts in places; the clone runs on its own thread so that the caller's
        // interrupt is always seen (here) and turned into a cancellation JGit checks (the monitor)
        TransportConfigCallback checked = transport -> {
            if (transport instanceof TransportHttp http) {
                http.setHttpConnectionFactory(new CheckedHttpConnections(request.url(), connectionCheck));
            }
        };
        FutureTask<Cloned> clone = new FutureTask<>(() -> cloneInThread(request, dir, monitor, scrubber, checked));
        Thread worker = new Thread(clone, "jgit-clone");
        worker.setDaemon(true);
        worker.start();
        try {
            return clone.get();
        } catch (InterruptedException e) {
            monitor.cancel();
            worker.interrupt();
            worker.join(CANCEL_WAIT_MS);
            throw new InterruptedException("clone stopped because the job was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            WorkingTree.deleteIfPresent(dir); // like git clone, a failed clone leaves nothing behind
            if (cause instanceof TaskFailedException failed) {
                throw failed;
            }
            throw new TaskFailedException("git clone failed: " + scrubber.scrub(String.valueOf(cause.getMessage())));
        }
    }

    private Cloned cloneInThread(
            CloneRequest request,
            Path dir,
            Monitor monitor,
            GitErrors.Scrubber scrubber,
            TransportConfigCallback checked)
            throws TaskFailedException, InterruptedException {
        String branchRef = Constants.R_HEADS + request.branch();
        String trackingRef = Constants.R_REMOTES + "origin/" + request.branch();
        DiskWatch download = DiskWatch.start(dir, limits.maxBytes(), monitor::stopForLimit);
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init()
                .setDirectory(dir.toFile())
                .setInitialBranch(request.branch())
                .call()) {
            Repository repo = git.getRepository();
            StoredConfig config = repo.getConfig();
            RemoteConfig origin = new RemoteConfig(config, "origin");
            origin.addURI(new URIish(request.url()));
            origin.addFetchRefSpec(new RefSpec("+" + branchRef + ":" + trackingRef));
            origin.update(config);
            // no garbage collection after a fetch: JGit would run it on a background thread, still writing
            // into the clone after it is handed over (or deleted)
            config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
            config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOPACKLIMIT, 0);
            config.setBoolean(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTODETACH, false);
            config.save();
            boolean pinned = request.commit().isPresent();
            fetch(
                    repo,
                    origin,
                    origin.getFetchRefSpecs(),
                    pinned ? 0 : request.depth(),
                    request.token(),
                    monitor,
                    checked);
            Ref fetched = repo.exactRef(trackingRef);
            if (fetched == null) {
                throw GitErrors.branchNotFound(request.branch());
            }
            ObjectId target = fetched.getObjectId();
            if (pinned) {
                target = ObjectId.fromString(request.commit().orElseThrow());
                if (!hasCommit(repo, target)) {
                    fetch(
                            repo,
                            origin,
                            List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*")),
                            0,
                            request.token(),
                            monitor,
                            checked);
                    if (!hasCommit(repo, target)) {
                        throw GitErrors.commitNotFound(target.name());
                    }
                }
            }
            if (download.stop()) {
                throw limits.downloadTooLarge();
            }
            stopIfInterrupted(monitor);
            RevCommit commit;
            try (RevWalk walk = new RevWalk(repo)) {
                commit = walk.parseCommit(target);
            }
            TreeTally tally = tally(repo, commit, monitor);
            WorkingTree.checkOutCommittedBytes(dir);
            checkout(repo, commit, pinned ? null : branchRef, monitor);
            stopIfInterrupted(monitor);
            return new Cloned(commit.name(), request.branch(), tally.files(), tally.bytes());
        } catch (GitAPIException | IOException | URISyntaxException | RuntimeException e) {
            if (download.stop()) {
                throw limits.downloadTooLarge();
            }
            stopIfInterrupted(monitor);
            throw map(e, request, scrubber);
        } finally {
            download.stop();
        }
    }

    /**
     * Fetches through the transport itself: JGit's FetchCommand would go on to walk the whole fetched
     * tree looking for submodules, which a tree naming billions of files turns into a hang.
     */
    private static void fetch(
            Repository repo,
            RemoteConfig origin,
            List<RefSpec> specs,
            int depth,
            Optional<String> token,
            Monitor monitor,
            TransportConfigCallback checked)
            throws IOException {
        try (Transport transport = Transport.open(repo, origin)) {
            checked.configure(transport);
            transport.setTimeout(TIMEOUT_SECONDS);
            transport.setTagOpt(TagOpt.NO_TAGS);
            if (depth > 0) {
                transport.setDepth(depth);
            }
            token.ifPresent(t ->
                    transport.setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", t)));
            transport.fetch(monitor, specs);
        }
    }

    private static boolean isEmptyOrMissing(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Counts the files of {@code commit}'s tree and sums their blob sizes; throws when a limit is passed. */
    private TreeTally tally(Repository repo, RevCommit commit, Monitor monitor)
            throws IOException, TaskFailedException, InterruptedException {
        TreeTally tally = new TreeTally(limits);
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            ObjectReader reader = walk.getObjectReader();
            while (walk.next()) {
                int type = walk.getRawMode(0) & FileMode.TYPE_MASK;
                if (type == FileMode.TYPE_GITLINK) {
                    continue; // a submodule: never fetched, not a file
                }
                boolean symlink = type == FileMode.TYPE_SYMLINK;
                long size = symlink ? 0 : reader.getObjectSize(walk.getObjectId(0), Constants.OBJ_BLOB);
                if (!tally.add(symlink, size)) {
                    break;
                }
                if (tally.files() % 1024 == 0) {
                    stopIfInterrupted(monitor);
                }
            }
        }
        tally.check();
        return tally;
    }

    /** Writes {@code commit}'s files and points HEAD at it: on {@code branchRef}, or detached when that is null. */
    private static void checkout(Repository repo, RevCommit commit, String branchRef, Monitor monitor)
            throws IOException {
        DirCache index = repo.lockDirCache();
        DirCacheCheckout checkout = new DirCacheCheckout(repo, index, commit.getTree());
        checkout.setProgressMonitor(monitor);
        checkout.checkout();
        if (branchRef == null) {
            RefUpdate head = repo.updateRef(Constants.HEAD, true);
            head.setNewObjectId(commit.getId());
            head.forceUpdate();
            return;
        }
        RefUpdate branch = repo.updateRef(branchRef);
        branch.setNewObjectId(commit.getId());
        branch.forceUpdate();
        RefUpdate head = repo.updateRef(Constants.HEAD);
        head.disableRefLog();
        head.link(branchRef);
        String name = Repository.shortenRefName(branchRef);
        StoredConfig config = repo.getConfig();
        config.setString(ConfigConstants.CONFIG_BRANCH_SECTION, name, ConfigConstants.CONFIG_KEY_REMOTE, "origin");
        config.setString(ConfigConstants.CONFIG_BRANCH_SECTION, name, ConfigConstants.CONFIG_KEY_MERGE, branchRef);
        config.save();
    }

    private static boolean hasCommit(Repository repo, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(id);
            return true;
        } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return false;
        }
    }

    private static void stopIfInterrupted(Monitor monitor) throws InterruptedException {
        if (monitor.cancelled.get() || Thread.currentThread().isInterrupted()) {
            Thread.interrupted();
            throw new InterruptedException("clone stopped because the job was interrupted");
        }
    }

    private static TaskFailedException map(Exception e, CloneRequest request, GitErrors.Scrubber scrubber) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CheckedHttpConnections.Refused refused) {
                return new TaskFailedException(refused.getMessage());
            }
            if (t instanceof NoRemoteRepositoryException) {
                String text = String.valueOf(t.getMessage()).toLowerCase();
                if (!text.contains("not authorized") && !text.contains("authentication")) {
                    return new TaskFailedException(GitErrors.REPOSITORY_NOT_FOUND);
                }
            }
            if (t instanceof ClosedByInterruptException) {
                Thread.currentThread().interrupt();
            }
            messages.append(t.getMessage()).append('\n');
        }
        return GitErrors.classify(messages.toString(), request.branch(), scrubber);
    }

    /** Forwards JGit's progress; cancels the clone when the job's thread is interrupted or a limit is passed. */
    private static final class Monitor implements ProgressMonitor {
        private final GitProgress progress;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean overLimit = new AtomicBoolean();
        private String task = "";
        private long total;
        private long done;

        Monitor(GitProgress progress) {
            this.progress = progress;
        }

        @Override
        public void start(int totalTasks) {}

        @Override
        public void beginTask(String title, int totalWork) {
            task = title;
            total = Math.max(totalWork, 0);
            done = 0;
            progress.update(task, 0, total);
        }

        @Override
        public void update(int completed) {
            done += completed;
            progress.update(task, done, total);
        }

        @Override
        public void endTask() {}

        void cancel() {
            cancelled.set(true);
        }

        void stopForLimit() {
            overLimit.set(true);
        }

        @Override
        public boolean isCancelled() {
            if (Thread.currentThread().isInterrupted()) {
                cancelled.set(true);
            }
            return cancelled.get() || overLimit.get();
        }

        @Override
        public void showDuration(boolean enabled) {}
    }
}
