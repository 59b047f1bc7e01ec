package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The second half of a {@link JGitGit} clone: a {@link TreeWalk} counts the fetched commit's files and
 * sums their sizes from the object database, and only a tree within the {@link RepoLimits} is checked out.
 */
final class JGitCheckout {

    private final RepoLimits limits;

    JGitCheckout(RepoLimits limits) {
        this.limits = limits;
    }

    /** Checks out {@code target} once its tree is found within the limits; HEAD on {@code branchRef}, or detached when null. */
    Git.Cloned checkOutWithinLimits(
            Repository repo, ObjectId target, String branchRef, String branch, Path dir, JGitMonitor monitor)
            throws IOException, TaskFailedException, InterruptedException {
        RevCommit commit;
        try (RevWalk walk = new RevWalk(repo)) {
            commit = walk.parseCommit(target);
        }
        TreeTally tally = tally(repo, commit, monitor);
        WorkingTree.checkOutCommittedBytes(dir);
        checkout(repo, commit, branchRef, monitor);
        monitor.stopIfInterrupted();
        return new Git.Cloned(commit.name(), branch, tally.files(), tally.bytes());
    }

    /** Counts the files of {@code commit}'s tree and sums their blob sizes; throws when a limit is passed. */
    private TreeTally tally(Repository repo, RevCommit commit, JGitMonitor monitor)
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
                    monitor.stopIfInterrupted();
                }
            }
        }
        tally.check();
        return tally;
    }

    /** Writes {@code commit}'s files and points HEAD at it: on {@code branchRef}, or detached when that is null. */
    private static void checkout(Repository repo, RevCommit commit, String branchRef, JGitMonitor monitor)
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
}
