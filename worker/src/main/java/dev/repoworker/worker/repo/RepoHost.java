package dev.repoworker.worker.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskFailedException;
import java.util.Optional;

/** Where new repositories are created from templates: GitHub (or GitHub Enterprise), or a local directory. */
public interface RepoHost {

    /** What a new repository is to be made from. */
    record TemplateRequest(
            String templateRepoUrl,
            String templateBranch,
            String newRepoName,
            Optional<String> description,
            boolean isPrivate,
            Optional<String> token) {
        @Override
        public String toString() {
            return "TemplateRequest[" + RepoUrlPolicy.displayUrl(templateRepoUrl) + " -> " + newRepoName + "]";
        }
    }

    /** The created repository; {@code cloneUrl} is what the task clones next. */
    record NewRepo(
            String name, String fullName, String htmlUrl, String cloneUrl, boolean isPrivate, String defaultBranch) {
        /** What a result shows of it: the clone URL without credentials, no default branch. */
        public Shown shown() {
            return new Shown(name, fullName, htmlUrl, RepoUrlPolicy.displayUrl(cloneUrl), isPrivate);
        }

        public record Shown(
                String name,
                String fullName,
                String htmlUrl,
                String cloneUrl,
                @JsonProperty("isPrivate") boolean isPrivate) {}
    }

    /** A short name for logs: {@code github} or {@code local}. */
    String name();

    /** Checks what this host needs before admission, naming the field at fault. */
    void check(TemplateRequest request) throws InvalidTaskDataException;

    NewRepo create(TemplateRequest request, TaskContext context) throws TaskFailedException, InterruptedException;
}
