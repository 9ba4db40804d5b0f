-- Notices of a run (its messages, its result, its approval request) that could
-- not be delivered to their chat after every retry: a JSON array of
-- {"at", "to", "notice", "error", "attempts"}, NULL while all went through.
ALTER TABLE runs ADD COLUMN delivery_errors TEXT;
