-- A pause with an end ("pause it for a week"): when the paused workflow
-- resumes on its own. NULL for a pause until someone resumes it.
ALTER TABLE workflows ADD COLUMN resume_at INTEGER;

-- The scheduler looks up paused workflows whose pause has ended.
CREATE INDEX workflows_resume_at ON workflows (resume_at) WHERE resume_at IS NOT NULL;
