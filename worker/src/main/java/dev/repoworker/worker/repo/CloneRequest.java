package dev.repoworker.worker.repo;

import java.util.Objects;
import java.util.Optional;

/**
 * What to clone. {@code depth} 0 means full history; {@code commit} (40 or 64 hex) pins the checkout;
 * {@code token} authenticates over HTTPS as {@code x-access-token}. Validated values only: see
 * {@link RepoUrlPolicy}, {@link BranchNames}, {@link CommitIds}.
 */
public record CloneRequest(String url, String branch, int depth, Optional<String> commit, Optional<String> token) {

    public CloneRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(branch, "branch");
        commit = commit == null ? Optional.empty() : commit;
        token = token == null ? Optional.empty() : token.filter(t -> !t.isBlank());
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0");
        }
    }

    public static CloneRequest of(String url, String branch) {
        return new CloneRequest(url, branch, 1, Optional.empty(), Optional.empty());
    }

    public CloneRequest withDepth(int newDepth) {
        return new CloneRequest(url, branch, newDepth, commit, token);
    }

    public CloneRequest withCommit(String sha) {
        return new CloneRequest(url, branch, depth, Optional.ofNullable(sha), token);
    }

    public CloneRequest withToken(String newToken) {
        return new CloneRequest(url, branch, depth, commit, Optional.ofNullable(newToken));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "CloneRequest[url=" + RepoUrlPolicy.displayUrl(url) + ", branch=" + branch + ", depth=" + depth
                + ", commit=" + commit.orElse("-") + ", token=" + (token.isPresent() ? "***" : "-") + "]";
    }
}
