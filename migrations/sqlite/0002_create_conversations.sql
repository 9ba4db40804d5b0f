-- One conversation per chat: bounded history, the pending draft, the callback.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]',    -- JSON array of turns
    draft TEXT,                            -- JSON, the change waiting for confirmation
    draft_expires_at INTEGER,
    callback_url TEXT,
    updated_at INTEGER NOT NULL
);
