-- Where the webhook chat API pushes a conversation's later notices (run
-- results, approval requests): the callback URL its last message gave.
CREATE TABLE chat_callbacks (
    chat TEXT PRIMARY KEY,                 -- the home chat, "webhook:<conversation_id>"
    url TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
