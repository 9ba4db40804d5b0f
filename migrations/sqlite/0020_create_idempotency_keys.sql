-- The first answer to a REST request sent with an `Idempotency-Key`, per API
-- key, so a retry gets it again instead of creating or running twice. Rows
-- older than 24 hours are ignored and deleted.
CREATE TABLE idempotency_keys (
    api_key_id INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,             -- hex SHA-256 of method, path and body
    status INTEGER,                        -- NULL while the first request is in flight
    body TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
