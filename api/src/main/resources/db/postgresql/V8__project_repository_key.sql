-- A push finds its projects by an indexed key instead of reading every project: repository_key is
-- github/RepositoryKey of settings_json's repoUrl (host and path, lower-cased, without scheme, user, trailing /
-- or .git), written with every create and update. The Java migration that follows this one fills it for the
-- projects stored before.
ALTER TABLE projects ADD COLUMN repository_key VARCHAR;
CREATE INDEX projects_repository_key_idx ON projects (repository_key);
