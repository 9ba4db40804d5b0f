CREATE TABLE run_steps (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_key TEXT NOT NULL,                -- path of the step in the plan, e.g. "check" or "each[2].notify"
    kind TEXT NOT NULL,
    status TEXT NOT NULL,                  -- running | succeeded | failed | skipped | waiting
    output TEXT,
    error TEXT,
    usage TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    PRIMARY KEY (run_id, step_key)
);
