-- Cancelling a run that is executing: who asked, written by any process;
-- the process running it sees it within about a second, stops it and
-- records the run as 'cancelled'. (Queued, retrying and waiting runs are
-- cancelled at once.)
ALTER TABLE runs ADD COLUMN cancel_requested_by TEXT;
