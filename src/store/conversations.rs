//! `conversations` table: one row per chat and person, holding its bounded
//! history, the draft waiting for confirmation and the workflow "it" refers
//! to. Keyed by the two ids as separate columns (migration 0015): no id, with
//! whatever characters it has, can reach another person's row.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::sealed::{self, Whole};
use super::{opt_ms, to_ms, Context, StoreError};

/// A conversation as stored. `history` and `draft` are JSON the agent owns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Conversation {
    /// The chat it happens in (`webhook:room-1`, `telegram:42`).
    pub chat: String,
    /// The person (`webhook:alice`).
    pub user_id: String,
    pub history: String,
    pub draft: Option<String>,
    pub draft_expires_at: Option<DateTime<Utc>>,
    pub callback_url: Option<String>,
    pub focus_workflow_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    chat: String,
    user_id: String,
    history: String,
    draft: Option<String>,
    draft_expires_at: Option<i64>,
    callback_url: Option<String>,
    focus_workflow_id: Option<i64>,
}

/// The conversation of `user` in `chat`, if they have spoken there.
pub async fn get(
    pool: &AnyPool,
    chat: &str,
    user: &str,
) -> Result<Option<Conversation>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT chat, user_id, history, draft, draft_expires_at, callback_url, focus_workflow_id \
         FROM conversations WHERE chat = $1 AND user_id = $2",
    )
    .bind(chat)
    .bind(user)
    .fetch_optional(pool)
    .await
    .ctx("loading a conversation")?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Conversation {
        chat: row.chat,
        user_id: row.user_id,
        history: row.history,
        draft: sealed::open_opt(row.draft, "a conversation's draft")?,
        draft_expires_at: opt_ms(row.draft_expires_at),
        callback_url: row.callback_url,
        focus_workflow_id: row.focus_workflow_id,
    }))
}

/// Clears the draft if it is still `draft`; false when another turn already
/// took it. Compared opened, in the caller's write transaction: a sealed
/// draft is written with a fresh nonce each time, so its stored text says
/// nothing about its value.
pub async fn take_draft(
    conn: &mut sqlx::AnyConnection,
    chat: &str,
    user: &str,
    draft: &str,
) -> Result<bool, StoreError> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT draft FROM conversations WHERE chat = $1 AND user_id = $2")
            .bind(chat)
            .bind(user)
            .fetch_optional(&mut *conn)
            .await
            .ctx("reading a confirmed draft")?;
    let stored = sealed::open_opt(stored.flatten(), "a conversation's draft")?;
    if stored.as_deref() != Some(draft) {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE conversations SET draft = NULL, draft_expires_at = NULL \
         WHERE chat = $1 AND user_id = $2",
    )
    .bind(chat)
    .bind(user)
    .execute(conn)
    .await
    .ctx("taking a confirmed draft")?;
    Ok(true)
}

/// Writes the whole conversation (insert or replace).
pub async fn save<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    conversation: &Conversation,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conversations (chat, user_id, history, draft, draft_expires_at, callback_url, \
         focus_workflow_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (chat, user_id) DO UPDATE SET history = $3, draft = $4, \
         draft_expires_at = $5, callback_url = $6, focus_workflow_id = $7, updated_at = $8",
    )
    .bind(&conversation.chat)
    .bind(&conversation.user_id)
    .bind(&conversation.history)
    .bind(
        conversation
            .draft
            .as_deref()
            .map(|d| sealed::json(d, Whole::SecretFields)),
    )
    .bind(conversation.draft_expires_at.map(to_ms))
    .bind(&conversation.callback_url)
    .bind(conversation.focus_workflow_id)
    .bind(to_ms(now))
    .execute(executor)
    .await
    .ctx("saving a conversation")?;
    Ok(())
}
