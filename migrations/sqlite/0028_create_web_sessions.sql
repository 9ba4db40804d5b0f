-- The dashboard's sign-in (docs/dashboard.md). Only the SHA-256 of a link's
-- or a session's token is kept, as with API keys.

-- One-time sign-in links, sent in a private chat: valid 10 minutes, used once.
CREATE TABLE web_links (
    hash TEXT PRIMARY KEY,                 -- hex SHA-256 of the link's token
    user_id TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,      -- 1: the person was an admin when asking
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER                        -- set once; a used link signs no one in
);

-- Signed-in browsers: the cookie holds the token, the forms the CSRF token.
CREATE TABLE web_sessions (
    hash TEXT PRIMARY KEY,                 -- hex SHA-256 of the cookie's token
    user_id TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,
    api_key_id INTEGER REFERENCES api_keys (id) ON DELETE CASCADE, -- signed in with a key: ends with it
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER                     -- signed out
);

CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
CREATE INDEX web_links_expires ON web_links (expires_at);
