-- Issue 18: projects, the settings a deploy-repo job is made from. settings_json holds the public settings
-- (repoUrl, branch, prefixes, webhook URLs …); the Git token and the webhook secrets are sealed like a job's
-- secrets (AES-GCM, bound to "project:{id}"). Every *_at column holds epoch milliseconds (UTC).
CREATE TABLE projects (
    id              VARCHAR(100) NOT NULL PRIMARY KEY,
    settings_json   VARCHAR      NOT NULL,
    secrets_sealed  VARCHAR,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
