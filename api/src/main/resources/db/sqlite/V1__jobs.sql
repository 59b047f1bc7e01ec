-- The embedded store (SQLite, WAL, synchronous=FULL): jobs, their append-only event log and the webhook ids
-- of the callbacks acted on. The same shape as the PostgreSQL store after its V3; every *_at column holds
-- epoch milliseconds (UTC). A pending job is due for dispatch at due_at; the claim is the hand-over
-- (status dispatched, runner, worker_url, lease_until, claim_token in one UPDATE).

CREATE TABLE jobs (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    task             VARCHAR(64)  NOT NULL,
    requested_task   VARCHAR(64)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    input_json       VARCHAR      NOT NULL,
    secrets_sealed   VARCHAR,
    result_json      VARCHAR,
    error            VARCHAR,
    attempt          INTEGER      NOT NULL,
    max_attempts     INTEGER      NOT NULL,
    version          INTEGER      NOT NULL,
    project_id       VARCHAR(200),
    user_id          VARCHAR(200),
    idempotency_key  VARCHAR(200),
    runner           VARCHAR(16),
    worker_url       VARCHAR(2000),
    lease_until      BIGINT,
    processed_at     BIGINT,
    duration_ms      BIGINT,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    completed_at     BIGINT,
    due_at           BIGINT,
    dispatch_tries   INTEGER      NOT NULL DEFAULT 0,
    claim_token      VARCHAR(36),
    CONSTRAINT jobs_idempotency_key_unique UNIQUE (idempotency_key)
);

CREATE INDEX jobs_created_idx ON jobs (created_at, id);
CREATE INDEX jobs_pending_due_idx ON jobs (due_at) WHERE status = 'pending';
CREATE INDEX jobs_active_lease_idx ON jobs (lease_until) WHERE status IN ('dispatched', 'running');
CREATE INDEX jobs_finished_idx ON jobs (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE job_events (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    job_id     VARCHAR(36)  NOT NULL REFERENCES jobs (id),
    seq        BIGINT       NOT NULL,
    at         BIGINT       NOT NULL,
    type       VARCHAR(32)  NOT NULL,
    attempt    INTEGER      NOT NULL,
    message    VARCHAR,
    data_json  VARCHAR
);

CREATE UNIQUE INDEX job_events_job_seq_idx ON job_events (job_id, seq);

-- Standard Webhooks message ids (webhook-id) of the callbacks acted on; see the PostgreSQL store's V2.
CREATE TABLE webhook_messages (
    id           VARCHAR(256) NOT NULL PRIMARY KEY,
    received_at  BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL
);

CREATE INDEX webhook_messages_expires_idx ON webhook_messages (expires_at);
