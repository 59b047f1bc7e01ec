-- Issue 18: GitHub push webhook deliveries. The delivery id (X-GitHub-Delivery) is the primary key, so a
-- redelivery is recognised by every API replica on this database; each verified delivery is kept with what came
-- of it (outcome: deployed, ignored, unknown_repository, pong), the deploy jobs it made, and when it came
-- (received_at in epoch milliseconds, UTC).
CREATE TABLE github_deliveries (
    delivery_id  VARCHAR(100)  NOT NULL PRIMARY KEY,
    event        VARCHAR(100)  NOT NULL,
    repository   VARCHAR(500),
    ref          VARCHAR(300),
    outcome      VARCHAR(40)   NOT NULL,
    job_ids      VARCHAR(4000),
    received_at  BIGINT        NOT NULL
);
