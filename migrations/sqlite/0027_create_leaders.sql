-- Leases on work only one process may do at a time (Telegram long polling,
-- the Discord gateway): `holder` (a node name) has it until `until` (Unix
-- ms) unless it renews; after that any process may take it.
CREATE TABLE leaders (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL
);
