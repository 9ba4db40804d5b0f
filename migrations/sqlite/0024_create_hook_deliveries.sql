-- Webhook deliveries that carried an id (X-GitHub-Delivery, Idempotency-Key):
-- a second delivery with the same id within 24 hours starts no run.
CREATE TABLE hook_deliveries (
    workflow_id INTEGER NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL,
    run_id INTEGER,                        -- the run the first delivery started
    received_at INTEGER NOT NULL,
    PRIMARY KEY (workflow_id, delivery_id)
);

CREATE INDEX hook_deliveries_received ON hook_deliveries (received_at);
