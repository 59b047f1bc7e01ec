-- The job core at the speed of the database (issue 13):
-- * the dispatch outbox moves into the job row: a pending job is due at due_at; the claim is the hand-over
--   (one UPDATE moves pending jobs to dispatched with runner, worker URL, lease and claim_token), and every
--   write a dispatcher makes after its claim is fenced by that token;
-- * partial indexes for pending-by-due, active-by-lease and finished-by-age (retention);
-- * one sequence number per event of a job, unique, so concurrent writers cannot collide.

ALTER TABLE jobs ADD COLUMN due_at BIGINT;
ALTER TABLE jobs ADD COLUMN dispatch_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN claim_token VARCHAR(36);

UPDATE jobs SET due_at = COALESCE(
        (SELECT MIN(d.due_at) FROM dispatches d WHERE d.job_id = jobs.id AND d.state = 'pending'), updated_at),
    dispatch_tries = COALESCE(
        (SELECT MAX(d.tries) FROM dispatches d WHERE d.job_id = jobs.id AND d.state = 'pending'), 0)
WHERE status = 'pending';

DROP TABLE dispatches;

DROP INDEX jobs_status_lease_idx;
CREATE INDEX jobs_pending_due_idx ON jobs (due_at) WHERE status = 'pending';
CREATE INDEX jobs_active_lease_idx ON jobs (lease_until) WHERE status IN ('dispatched', 'running');
CREATE INDEX jobs_finished_idx ON jobs (completed_at) WHERE completed_at IS NOT NULL;

UPDATE job_events e SET seq = r.rn
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY seq, at, id) AS rn FROM job_events) r
WHERE e.id = r.id AND e.seq <> r.rn;

DROP INDEX job_events_job_idx;
CREATE UNIQUE INDEX job_events_job_seq_idx ON job_events (job_id, seq);
