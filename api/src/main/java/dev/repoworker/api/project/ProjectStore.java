package dev.repoworker.api.project;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where projects are kept: the job store's database. */
public interface ProjectStore {

    /** @return false when a project with this id exists already (nothing is written) */
    boolean create(Project project);

    Optional<Project> find(String id);

    /** Every project, by id. */
    List<Project> list();

    /** The projects whose {@code repoUrl} has one of these {@code github.RepositoryKey}s, by id. */
    List<Project> ofRepository(Collection<String> repositoryKeys);

    /**
     * Stores {@code next} over version {@code next.version() - 1}; false when there is no such project or it has
     * changed meanwhile (nothing is written).
     */
    boolean update(Project next);
}
