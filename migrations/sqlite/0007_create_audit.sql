-- Who changed what.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    workflow_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT
);
