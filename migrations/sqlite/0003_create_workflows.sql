CREATE TABLE workflows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    home_chat TEXT,
    name TEXT NOT NULL,
    instruction TEXT,
    plan TEXT NOT NULL,                    -- JSON; parsed when a run starts, so a bad plan fails its own run
    trigger_kind TEXT NOT NULL,            -- manual | once | cron | rrule | interval
    trigger_expression TEXT NOT NULL,
    trigger_anchor INTEGER,                -- start of an anchored interval
    timezone TEXT NOT NULL,
    policies TEXT NOT NULL DEFAULT '{}',
    guardrails TEXT NOT NULL DEFAULT '{}',
    placeholders TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'active', -- active | paused | completed
    paused_note TEXT,
    next_run INTEGER,                      -- the next slot; NULL when none is coming
    skip_slot INTEGER,                     -- a slot to skip once
    snooze_slot INTEGER,                   -- a slot moved once ...
    snooze_until INTEGER,                  -- ... to this instant
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The scheduler's question: which active workflows are due first.
CREATE INDEX workflows_due ON workflows (next_run) WHERE status = 'active' AND next_run IS NOT NULL;
CREATE INDEX workflows_owner ON workflows (owner);
