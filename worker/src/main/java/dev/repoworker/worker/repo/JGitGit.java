package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * {@link Git} in process with JGit, for machines without a {@code git} executable. A pinned commit
 * is fetched with the branch's full history (JGit cannot ask for a single sha shallowly), and with
 * every branch when it is not on that one. HTTP goes through {@link CheckedHttpConnections}: the
 * {@link ConnectionCheck} before each connection, and no redirect to another host.
 */
public final class JGitGit implements Git {

    private static final int TIMEOUT_SECONDS = 120;
    private static final long CANCEL_WAIT_MS = 10_000;

    private final ConnectionCheck connectionCheck;

    /** Without a connection check: for URLs the Worker made itself, and tests. */
    public JGitGit() {
        this(ConnectionCheck.NONE);
    }

    public JGitGit(ConnectionCheck connectionCheck) {
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
            if (cause instanceof TaskFailedException failed) {
                throw failed;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new TaskFailedException("git clone failed: " + scrubber.scrub(String.valueOf(cause.getMessage())));
        }
    }

    private static Cloned cloneInThread(CloneRequest request, Path dir, Monitor monitor, GitErrors.Scrubber scrubber,
                                        TransportConfigCallback checked) throws TaskFailedException, InterruptedException {
        String ref = Constants.R_HEADS + request.branch();
        CloneCommand clone = org.eclipse.jgit.api.Git.cloneRepository()
                .setURI(request.url())
                .setDirectory(dir.toFile())
                .setBranch(ref)
                .setBranchesToClone(List.of(ref))
                .setCloneAllBranches(false)
                .setCloneSubmodules(false)
                .setNoCheckout(request.commit().isPresent())
                .setTimeout(TIMEOUT_SECONDS)
                .setTransportConfigCallback(checked)
                .setProgressMonitor(monitor);
        if (request.depth() > 0 && request.commit().isEmpty()) {
            clone.setDepth(request.depth());
        }
        UsernamePasswordCredentialsProvider credentials = request.token()
                .map(t -> new UsernamePasswordCredentialsProvider("x-access-token", t))
                .orElse(null);
        if (credentials != null) {
            clone.setCredentialsProvider(credentials);
        }
        try (org.eclipse.jgit.api.Git git = clone.call()) {
            Repository repo = git.getRepository();
            if (repo.exactRef(Constants.R_REMOTES + "origin/" + request.branch()) == null) {
                throw GitErrors.branchNotFound(request.branch());
            }
            if (request.commit().isPresent()) {
                checkoutPinned(git, request, credentials, monitor, checked);
            }
            ObjectId head = repo.resolve(Constants.HEAD + "^{commit}");
            if (head == null) {
                throw GitErrors.branchNotFound(request.branch());
            }
            stopIfInterrupted(monitor);
            return new Cloned(head.name(), request.branch());
        } catch (GitAPIException | IOException | RuntimeException e) {
            stopIfInterrupted(monitor);
            throw map(e, request, scrubber);
        }
    }

    private static void checkoutPinned(org.eclipse.jgit.api.Git git, CloneRequest request,
                                       UsernamePasswordCredentialsProvider credentials, Monitor monitor,
                                       TransportConfigCallback checked)
            throws GitAPIException, IOException, TaskFailedException, InterruptedException {
        Repository repo = git.getRepository();
        ObjectId id = ObjectId.fromString(request.commit().orElseThrow());
        if (!hasCommit(repo, id)) {
            var fetch = git.fetch()
                    .setRemote("origin")
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
                    .setTimeout(TIMEOUT_SECONDS)
                    .setTransportConfigCallback(checked)
                    .setProgressMonitor(monitor);
            if (credentials != null) {
                fetch.setCredentialsProvider(credentials);
            }
            fetch.call();
            stopIfInterrupted(monitor);
            if (!hasCommit(repo, id)) {
                throw GitErrors.commitNotFound(id.name());
            }
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(id);
            DirCache index = repo.lockDirCache();
            DirCacheCheckout checkout = new DirCacheCheckout(repo, index, commit.getTree());
            checkout.setProgressMonitor(monitor);
            checkout.checkout();
            RefUpdate head = repo.updateRef(Constants.HEAD, true);
            head.setNewObjectId(commit.getId());
            head.forceUpdate();
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

    /** Forwards JGit's progress and cancels the clone when the job's thread is interrupted. */
    private static final class Monitor implements ProgressMonitor {
        private final GitProgress progress;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private String task = "";
        private long total;
        private long done;

        Monitor(GitProgress progress) {
            this.progress = progress;
        }

        @Override
        public void start(int totalTasks) {
        }

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
        public void endTask() {
        }

        void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            if (Thread.currentThread().isInterrupted()) {
                cancelled.set(true);
            }
            return cancelled.get();
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }
}
