package db.sqlite;

import dev.repoworker.api.project.RepositoryKeyBackfill;

/** Fills the repository key that {@code V6__project_repository_key.sql} adds, for the projects stored before. */
public final class V6_1__Project_repository_keys extends RepositoryKeyBackfill {}
