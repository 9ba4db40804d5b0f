-- Templates people saved from their own workflows ("save this as a
-- template"); the built-in catalogue is code, not rows. Private to their
-- owner. `body` is the template as JSON (schedule, steps, placeholder specs);
-- it never holds a placeholder's value, and secrets written in its steps are
-- sealed like a workflow's plan.
CREATE TABLE templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- A person's templates in id order (listing and paging).
CREATE INDEX templates_owner_id ON templates (owner, id);
