package db.postgresql;

import dev.repoworker.api.project.RepositoryKeyBackfill;

/** Fills the repository key that {@code V8__project_repository_key.sql} adds, for the projects stored before. */
public final class V8_1__Project_repository_keys extends RepositoryKeyBackfill {}
