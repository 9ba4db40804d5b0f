-- Runs going (started, waiting or retrying; not those claimed ahead and not
-- yet started): a run claimed ahead asks at its slot whether its workflow
-- has one, for 10,000 workflows at once in a burst. Without this index each
-- ask reads the rows of the runs claimed ahead with it.
CREATE INDEX runs_going ON runs (workflow_id)
    WHERE status IN ('waiting', 'retrying') OR (status = 'running' AND started_at IS NOT NULL);
