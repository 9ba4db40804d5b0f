-- Quotas an admin set for one person ("give alice 200 workflows"); a NULL
-- column keeps the operator's STEWARD_QUOTA_* value.
CREATE TABLE user_quotas (
    user_id TEXT PRIMARY KEY,
    messages_per_minute INTEGER,
    max_workflows INTEGER,
    runs_per_hour INTEGER,
    min_interval_seconds INTEGER,
    tokens_per_day INTEGER,
    cost_per_day_usd REAL,
    set_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Times a person hit a limit or was refused for one, a row per person, limit
-- and UTC day: the abuse signal admins read, and how a daily quota tells its
-- owner once, not every run.
CREATE TABLE limit_hits (
    user_id TEXT NOT NULL,
    limit_name TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, limit_name, day)
);
CREATE INDEX limit_hits_day ON limit_hits (day);

-- A workflow's busiest hour (runs in it), for the quota on runs an hour;
-- NULL for rows from before, which are measured when needed.
ALTER TABLE workflows ADD COLUMN runs_per_hour INTEGER;
