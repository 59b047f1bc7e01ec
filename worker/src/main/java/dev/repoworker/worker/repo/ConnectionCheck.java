package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskFailedException;
import java.net.InetAddress;
import java.util.List;

/**
 * The last check before Git connects to a repository URL ({@link RepoUrlPolicy#addressesToConnect}): it
 * refuses the URL, or names the checked addresses to connect to — empty when Git may resolve the host itself.
 */
@FunctionalInterface
public interface ConnectionCheck {

    /** No check, nothing pinned: for URLs the Worker made itself (a local bare repository) and for tests. */
    ConnectionCheck NONE = url -> List.of();

    List<InetAddress> addressesFor(String url) throws TaskFailedException;
}
