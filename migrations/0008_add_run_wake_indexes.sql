-- The scheduler asks these on every wake: which leases have run out, which
-- retries are due. Without them each wake scans every running run.
CREATE INDEX runs_lease ON runs (lease_until) WHERE status = 'running';
CREATE INDEX runs_retry ON runs (retry_at) WHERE status = 'retrying';
