-- Notices on their way to a chat: written before delivery is tried, removed
-- once delivered or recorded as undeliverable, so a stop or a crash loses
-- none; a restarted steward delivers what is left, oldest first.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order of delivery per destination
    destination TEXT NOT NULL,             -- the home chat, "webhook:room-1"
    delivery_id TEXT NOT NULL UNIQUE,      -- X-Steward-Delivery, kept across tries and restarts
    workflow_id INTEGER NOT NULL,
    run_id INTEGER,                        -- none for an auto-pause
    text TEXT NOT NULL,
    buttons TEXT NOT NULL DEFAULT '[]',    -- JSON array of {label, action}
    about TEXT,                            -- JSON, what the notice is about
    created_at INTEGER NOT NULL
);
