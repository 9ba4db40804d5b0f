-- Snoozed occurrences are looked up on every wake; without this index each
-- lookup scans every workflow.
CREATE INDEX workflows_snoozed ON workflows (snooze_until) WHERE snooze_until IS NOT NULL;
