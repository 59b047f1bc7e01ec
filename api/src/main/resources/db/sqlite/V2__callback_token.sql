-- Issue 17: the SHA-256 (hex) of each job's callback capability token. The token itself is sealed with the
-- job's secrets; a callback that presents it is authenticated for that job without a signature.
ALTER TABLE jobs ADD COLUMN callback_token_hash VARCHAR(64);
