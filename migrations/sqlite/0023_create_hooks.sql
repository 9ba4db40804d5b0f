-- The URL and secret of a workflow with a webhook trigger: POST /hooks/{hook_id}.
CREATE TABLE hooks (
    workflow_id INTEGER PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
    hook_id TEXT NOT NULL UNIQUE,          -- public, in the URL
    secret TEXT NOT NULL,                  -- sealed at rest when there is an encryption key
    rejected INTEGER NOT NULL DEFAULT 0,   -- calls refused for a bad secret or signature
    created_at INTEGER NOT NULL,
    rotated_at INTEGER
);
