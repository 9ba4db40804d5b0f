-- Per-user keys of the REST API (`steward keys create`). Only the SHA-256 of
-- a key is kept; its first characters (`stw_` and 8 more) are kept in clear
-- so a person can tell their keys apart in `steward keys list`.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,             -- hex SHA-256 of the whole key
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,                 -- whose workflows the key sees
    admin INTEGER NOT NULL DEFAULT 0,      -- 1: sees and manages everyone's
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER                     -- set once; a revoked key answers 401
);
