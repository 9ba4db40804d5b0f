-- Written the first time steward opens the database with
-- STEWARD_ENCRYPTION_KEY: a known text sealed with the key (an enc:v1 token).
-- Each later start proves its key on it, so a start with no key or another
-- key is refused instead of reading encrypted values as data. One row at most.
CREATE TABLE encryption_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    check_value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
