-- Issue 18: outgoing deployment webhooks (deployment.started / completed / failed), one row per job, subscriber
-- and event. Rows are derived from the jobs table by a sweeper; the unique key makes that idempotent across API
-- replicas. id is the Standard Webhooks message id (webhook-id), the same on every attempt. A replica claims a
-- due row by setting lease_until/lease_owner over an expired lease, so two replicas never send one row at once
-- and a crashed replica's row is taken up again once its lease ends. state: pending, delivered or failed (gave
-- up). Every *_at column holds epoch milliseconds (UTC).
CREATE TABLE deploy_webhooks (
    id            VARCHAR(36)   NOT NULL PRIMARY KEY,
    job_id        VARCHAR(36)   NOT NULL,
    project_id    VARCHAR(100)  NOT NULL,
    subscriber    VARCHAR(2000) NOT NULL,
    event         VARCHAR(32)   NOT NULL,
    payload_json  VARCHAR       NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    attempts      INTEGER       NOT NULL,
    last_error    VARCHAR,
    created_at    BIGINT        NOT NULL,
    due_at        BIGINT        NOT NULL,
    lease_until   BIGINT,
    lease_owner   VARCHAR(36),
    delivered_at  BIGINT,
    CONSTRAINT deploy_webhooks_unique UNIQUE (job_id, subscriber, event)
);

CREATE INDEX deploy_webhooks_due_idx ON deploy_webhooks (due_at) WHERE state = 'pending';

-- the sweeper's look at recently changed deploys
CREATE INDEX jobs_deploy_updated_idx ON jobs (updated_at) WHERE task = 'deploy-repo';
