package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskFailedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Where new repositories are created from templates: GitHub (or GitHub Enterprise), or a local directory. */
public interface RepoHost {

    /** What a new repository is to be made from. */
    record TemplateRequest(String templateRepoUrl, String templateBranch, String newRepoName, Optional<String> description,
                           boolean isPrivate, Optional<String> token) {
        @Override
        public String toString() {
            return "TemplateRequest[" + RepoUrlPolicy.displayUrl(templateRepoUrl) + " -> " + newRepoName + "]";
        }
    }

    /** The created repository; {@code cloneUrl} is what the task clones next. */
    record NewRepo(String name, String fullName, String htmlUrl, String cloneUrl, boolean isPrivate, String defaultBranch) {
        public Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", name);
            summary.put("fullName", fullName);
            summary.put("htmlUrl", htmlUrl);
            summary.put("cloneUrl", RepoUrlPolicy.displayUrl(cloneUrl));
            summary.put("isPrivate", isPrivate);
            return summary;
        }
    }

    /** A short name for logs: {@code github} or {@code local}. */
    String name();

    /** Checks what this host needs before admission, naming the field at fault. */
    void check(TemplateRequest request) throws InvalidTaskDataException;

    NewRepo create(TemplateRequest request, TaskContext context) throws TaskFailedException, InterruptedException;
}
