package dev.repoworker.worker.repo;

/**
 * Where a build's notes came from, as results show it: {@code {source: local}}, or {@code git}/{@code template} with the
 * clone's {@code repoUrl} (without credentials), {@code branch} and {@code commit}.
 */
public record RepoSource(String source, String repoUrl, String branch, String commit) {

    public static RepoSource local() {
        return new RepoSource("local", null, null, null);
    }

    /** {@code source} is {@code git} for a clone of the job's repoUrl, {@code template} for a repository made from a template. */
    public static RepoSource of(String source, AcquiredRepo acquired) {
        return new RepoSource(source, acquired.repoUrl(), acquired.branch(), acquired.commit());
    }
}
