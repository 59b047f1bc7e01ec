package dev.repoworker.api.project;

import java.util.List;
import java.util.Optional;

/** Where projects are kept: the job store's database. */
public interface ProjectStore {

    /** @return false when a project with this id exists already (nothing is written) */
    boolean create(Project project);

    Optional<Project> find(String id);

    /** Every project, by id. */
    List<Project> list();

    /** Replaces the settings and secrets of an existing project; false when there is none. */
    boolean update(Project project);
}
