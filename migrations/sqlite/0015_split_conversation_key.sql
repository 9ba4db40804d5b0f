-- A conversation was keyed by one string, "<chat>|<user>", and ids may
-- contain '|': chat "c2|webhook:mallory" with user "alice" and chat "c2" with
-- user "mallory|webhook:alice" shared a row (and its draft). Keyed by the two
-- ids as separate columns, they cannot collide.
CREATE TABLE conversations_by_chat_user (
    chat TEXT NOT NULL,                    -- the chat, e.g. "webhook:room-1"
    user_id TEXT NOT NULL,                 -- the person, e.g. "webhook:alice"
    history TEXT NOT NULL DEFAULT '[]',    -- JSON array of turns
    draft TEXT,                            -- JSON, the change waiting for confirmation
    draft_expires_at INTEGER,
    callback_url TEXT,
    updated_at INTEGER NOT NULL,
    focus_workflow_id INTEGER,
    PRIMARY KEY (chat, user_id)
);

-- The old key ends with '|' and the row's user id (saved on every turn), so
-- the chat is what comes before. A key with more than one '|' may have been
-- shared by two people (the collision above): its history and draft could be
-- someone else's, so only an empty conversation is kept for it.
INSERT INTO conversations_by_chat_user
    (chat, user_id, history, draft, draft_expires_at, callback_url, updated_at, focus_workflow_id)
SELECT
    substr(id, 1, length(id) - length(user_id) - 1),
    user_id,
    CASE WHEN ambiguous THEN '[]' ELSE history END,
    CASE WHEN ambiguous THEN NULL ELSE draft END,
    CASE WHEN ambiguous THEN NULL ELSE draft_expires_at END,
    callback_url,
    updated_at,
    CASE WHEN ambiguous THEN NULL ELSE focus_workflow_id END
FROM (
    SELECT *, instr(substr(id, instr(id, '|') + 1), '|') > 0 AS ambiguous
    FROM conversations
    WHERE substr(id, length(id) - length(user_id)) = '|' || user_id
);

DROP TABLE conversations;
ALTER TABLE conversations_by_chat_user RENAME TO conversations;
