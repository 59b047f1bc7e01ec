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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
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
    private final JGitCheckout checkout;

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
        this.checkout = new JGitCheckout(limits);
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
        JGitMonitor monitor = new JGitMonitor(progress);
        // JGit swallows interrupts in places; the clone runs on its own thread so that the caller's
        // interrupt is always seen (here) and turned into a cancellation JGit checks (the monitor)
        TransportConfigCallback checked = transport -> {
            if (transport instanceof TransportHttp http) {
                http.setHttpConnectionFactory(new CheckedHttpConnections(request.url(), connectionCheck));
            }
        };
        return onOwnThread(() -> cloneInThread(request, dir, monitor, scrubber, checked), monitor, dir, scrubber);
    }

    private static Cloned onOwnThread(
            Callable<Cloned> cloning, JGitMonitor monitor, Path dir, GitErrors.Scrubber scrubber)
            throws TaskFailedException, InterruptedException {
        FutureTask<Cloned> clone = new FutureTask<>(cloning);
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
            throw failure(e.getCause(), dir, scrubber);
        }
    }

    /** What to throw for what ended the clone's thread (an interrupt or an error is rethrown as it is); a failed clone is deleted first. */
    private static TaskFailedException failure(Throwable cause, Path dir, GitErrors.Scrubber scrubber)
            throws TaskFailedException, InterruptedException {
        if (cause instanceof InterruptedException interrupted) {
            throw interrupted;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        WorkingTree.deleteIfPresent(dir); // like git clone, a failed clone leaves nothing behind
        if (cause instanceof TaskFailedException failed) {
            return failed;
        }
        return new TaskFailedException("git clone failed: " + scrubber.scrub(String.valueOf(cause.getMessage())));
    }

    private Cloned cloneInThread(
            CloneRequest request,
            Path dir,
            JGitMonitor monitor,
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
            RemoteConfig origin = addOrigin(repo, request.url(), branchRef, trackingRef);
            Remote remote = new Remote(repo, origin, request.token(), monitor, checked);
            ObjectId target = fetchTarget(remote, request, trackingRef);
            if (download.stop()) {
                throw limits.downloadTooLarge();
            }
            monitor.stopIfInterrupted();
            String headBranch = request.commit().isPresent() ? null : branchRef;
            return checkout.checkOutWithinLimits(repo, target, headBranch, request.branch(), dir, monitor);
        } catch (GitAPIException | IOException | URISyntaxException | RuntimeException e) {
            if (download.stop()) {
                throw limits.downloadTooLarge();
            }
            monitor.stopIfInterrupted();
            throw map(e, request, scrubber);
        } finally {
            download.stop();
        }
    }

    /** Configures the remote {@code origin} to fetch the branch, with no garbage collection after fetching. */
    private static RemoteConfig addOrigin(Repository repo, String url, String branchRef, String trackingRef)
            throws IOException, URISyntaxException {
        StoredConfig config = repo.getConfig();
        RemoteConfig origin = new RemoteConfig(config, "origin");
        origin.addURI(new URIish(url));
        origin.addFetchRefSpec(new RefSpec("+" + branchRef + ":" + trackingRef));
        origin.update(config);
        // no garbage collection after a fetch: JGit would run it on a background thread, still writing
        // into the clone after it is handed over (or deleted)
        config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
        config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOPACKLIMIT, 0);
        config.setBoolean(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTODETACH, false);
        config.save();
        return origin;
    }

    /**
     * Fetches the branch and returns the commit to check out: the branch's tip, or the pinned commit,
     * fetching every branch when the pinned commit is not on this one.
     */
    private static ObjectId fetchTarget(Remote remote, CloneRequest request, String trackingRef)
            throws IOException, TaskFailedException {
        boolean pinned = request.commit().isPresent();
        remote.fetch(remote.origin().getFetchRefSpecs(), pinned ? 0 : request.depth());
        Ref fetched = remote.repo().exactRef(trackingRef);
        if (fetched == null) {
            throw GitErrors.branchNotFound(request.branch());
        }
        if (!pinned) {
            return fetched.getObjectId();
        }
        ObjectId target = ObjectId.fromString(request.commit().orElseThrow());
        if (!hasCommit(remote.repo(), target)) {
            remote.fetch(List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*")), 0);
            if (!hasCommit(remote.repo(), target)) {
                throw GitErrors.commitNotFound(target.name());
            }
        }
        return target;
    }

    /** Where the clone fetches from, and how: with the token, the connection check and the cancelling monitor. */
    private record Remote(
            Repository repo,
            RemoteConfig origin,
            Optional<String> token,
            JGitMonitor monitor,
            TransportConfigCallback checked) {

        /**
         * Fetches through the transport itself: JGit's FetchCommand would go on to walk the whole fetched
         * tree looking for submodules, which a tree naming billions of files turns into a hang.
         */
        void fetch(List<RefSpec> specs, int depth) throws IOException {
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

    private static boolean hasCommit(Repository repo, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(id);
            return true;
        } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return false;
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
}
