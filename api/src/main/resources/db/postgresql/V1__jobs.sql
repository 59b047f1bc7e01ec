-- Jobs, their append-only event log and the dispatch outbox.
-- The same script runs on PostgreSQL and on H2 (MODE=PostgreSQL): only portable types are used.
-- Every *_at column holds epoch milliseconds (UTC), so comparisons never depend on a time zone.

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
    CONSTRAINT jobs_idempotency_key_unique UNIQUE (idempotency_key)
);

CREATE INDEX jobs_created_idx ON jobs (created_at, id);
CREATE INDEX jobs_status_lease_idx ON jobs (status, lease_until);

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

CREATE INDEX job_events_job_idx ON job_events (job_id, seq);

CREATE TABLE dispatches (
    id             VARCHAR(36)  NOT NULL PRIMARY KEY,
    job_id         VARCHAR(36)  NOT NULL REFERENCES jobs (id),
    attempt        INTEGER      NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    tries          INTEGER      NOT NULL,
    due_at         BIGINT       NOT NULL,
    claimed_by     VARCHAR(100),
    claimed_until  BIGINT,
    last_error     VARCHAR,
    created_at     BIGINT       NOT NULL,
    updated_at     BIGINT       NOT NULL
);

CREATE INDEX dispatches_due_idx ON dispatches (state, due_at);
CREATE INDEX dispatches_job_idx ON dispatches (job_id);
