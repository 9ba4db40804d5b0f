-- People steward knows, by platform identity ("terminal:alice", "telegram:42").
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    display_name TEXT,
    timezone TEXT,                         -- IANA zone preference, NULL = server default
    role TEXT NOT NULL DEFAULT 'user',     -- 'user' | 'admin'
    created_at INTEGER NOT NULL            -- unix milliseconds, as every time column
);
