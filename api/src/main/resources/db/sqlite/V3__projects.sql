-- Issue 18: projects, the settings a deploy-repo job is made from. settings_json holds the public settings
-- (repoUrl, branch, prefixes, webhook URLs …); the Git token and the webhook secrets are sealed like a job's
-- secrets (AES-GCM, bound to "project:{id}"). Every *_at column holds epoch milliseconds (UTC);
-- a change is UPDATE … WHERE version = ? and bumps version, as for jobs.
CREATE TABLE projects (
    id              VARCHAR(100) NOT NULL PRIMARY KEY,
    settings_json   VARCHAR      NOT NULL,
    secrets_sealed  VARCHAR,
    version         INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
