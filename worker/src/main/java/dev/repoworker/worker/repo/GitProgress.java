package dev.repoworker.worker.repo;

/** Progress of a clone phase ("Receiving objects", "Checking out files" …): done of total (0 = unknown). */
@FunctionalInterface
public interface GitProgress {

    GitProgress NONE = (phase, done, total) -> {};

    void update(String phase, long done, long total);
}
