CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id INTEGER NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    workflow_version INTEGER NOT NULL,
    trigger TEXT NOT NULL,                 -- schedule | catchup | manual | chain | snooze
    scheduled_for INTEGER NOT NULL,        -- the slot; for manual runs, when asked
    status TEXT NOT NULL,                  -- queued | running | waiting | retrying | succeeded | failed
                                           -- | missed | skipped | interrupted | guardrail
    attempt INTEGER NOT NULL DEFAULT 1,
    started_at INTEGER,
    ended_at INTEGER,
    lease_owner TEXT,                      -- the process running it ...
    lease_until INTEGER,                   -- ... until this instant, renewed while it runs
    retry_at INTEGER,
    input TEXT,
    output TEXT,
    error TEXT,
    usage TEXT,
    history TEXT NOT NULL DEFAULT '[]',    -- earlier attempts of this slot
    created_at INTEGER NOT NULL,
    -- One run per slot: a restart, a retry or a second replica never fires a slot twice.
    UNIQUE (workflow_id, scheduled_for)
);

CREATE INDEX runs_created ON runs (created_at);
