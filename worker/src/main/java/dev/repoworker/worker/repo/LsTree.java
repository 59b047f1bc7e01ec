package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code git ls-tree -r -l -z} record by record into a {@link TreeTally}, stopping git as soon as a
 * limit is passed, so a {@link CliGit} clone checks out only a tree within the {@link RepoLimits}.
 */
final class LsTree {

    private LsTree() {}

    /** Counts the files the listing {@code command} names and sums their sizes; throws when a limit is passed. */
    static TreeTally tally(List<String> command, Map<String, String> env, RepoLimits limits)
            throws TaskFailedException, InterruptedException {
        TreeTally tally = new TreeTally(limits);
        boolean[] unreadable = new boolean[1];
        GitProcess.Result listing;
        try {
            listing = GitProcess.stream(command, env, record -> {
                Optional<Entry> entry = Entry.parse(record);
                if (entry.isEmpty()) {
                    unreadable[0] = true;
                    return false;
                }
                return !entry.get().isFile()
                        || tally.add(entry.get().isSymlink(), entry.get().size());
            });
        } catch (IOException e) {
            throw new TaskFailedException("git clone failed: could not run git");
        }
        tally.check();
        if (unreadable[0] || !listing.ok()) {
            throw new TaskFailedException("git clone failed: could not list the repository's files");
        }
        return tally;
    }

    /** One record of {@code git ls-tree -l -z}: {@code <mode> SP <type> SP <object> SP+ <size> TAB <path>}. */
    record Entry(String mode, String type, long size) {
        boolean isFile() {
            return type.equals("blob");
        }

        boolean isSymlink() {
            return mode.equals("120000");
        }

        static Optional<Entry> parse(String record) {
            int tab = record.indexOf('\t');
            String[] fields = (tab < 0 ? "" : record.substring(0, tab)).trim().split(" +");
            if (fields.length != 4) {
                return Optional.empty();
            }
            if (!fields[1].equals("blob")) {
                return Optional.of(new Entry(fields[0], fields[1], 0)); // a submodule ("commit"): not a file
            }
            try {
                return Optional.of(new Entry(fields[0], fields[1], Long.parseLong(fields[3])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
