-- The scheduler asks these on every claim and wake; without them each one
-- scans every run ever recorded.
CREATE INDEX runs_lease ON runs (lease_until) WHERE status = 'running';
CREATE INDEX runs_retry ON runs (retry_at) WHERE status = 'retrying';
CREATE INDEX runs_queued ON runs (workflow_id, id) WHERE status = 'queued';
CREATE INDEX runs_live ON runs (workflow_id, status) WHERE status IN ('queued', 'running', 'waiting', 'retrying');
CREATE INDEX runs_waiting ON runs (id) WHERE status = 'waiting';
