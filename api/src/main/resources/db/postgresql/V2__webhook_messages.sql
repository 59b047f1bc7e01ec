-- Standard Webhooks message ids (webhook-id) of the callbacks this API has acted on, shared by every
-- replica, so a replayed callback is refused (409) wherever it arrives. Recorded in the transaction that
-- applies the callback. A row matters only while a copy of its message would still verify: expires_at is
-- its webhook-timestamp plus the signature tolerance; the API's maintenance loop deletes older rows.
-- The same script runs on PostgreSQL and on H2 (MODE=PostgreSQL); times are epoch milliseconds.

CREATE TABLE webhook_messages (
    id           VARCHAR(256) NOT NULL PRIMARY KEY,
    received_at  BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL
);

CREATE INDEX webhook_messages_expires_idx ON webhook_messages (expires_at);
