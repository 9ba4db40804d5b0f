-- The workflow a conversation last talked about, so "pause it" and "run it
-- now" know what "it" is.
ALTER TABLE conversations ADD COLUMN focus_workflow_id INTEGER;
