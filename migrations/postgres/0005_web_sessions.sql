-- The dashboard's sign-in: SQLite's 0028 (comments there).
CREATE TABLE web_links (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    admin BIGINT NOT NULL DEFAULT 0,       -- 0 | 1
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE web_sessions (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    admin BIGINT NOT NULL DEFAULT 0,       -- 0 | 1
    api_key_id BIGINT REFERENCES api_keys (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
CREATE INDEX web_links_expires ON web_links (expires_at);
