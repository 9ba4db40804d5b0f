//! `chat_callbacks` table: where the webhook chat API pushes a conversation's
//! later notices.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::{to_ms, Context, StoreError};

/// Remembers `url` as the callback of `chat` (the newest one wins).
pub async fn set(
    pool: &SqlitePool,
    chat: &str,
    url: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO chat_callbacks (chat, url, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (chat) DO UPDATE SET url = ?2, updated_at = ?3 WHERE url <> ?2",
    )
    .bind(chat)
    .bind(url)
    .bind(to_ms(now))
    .execute(pool)
    .await
    .ctx("saving a callback URL")?;
    Ok(())
}

/// The callback URL of `chat`, if its conversation gave one.
pub async fn get(pool: &SqlitePool, chat: &str) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT url FROM chat_callbacks WHERE chat = ?")
        .bind(chat)
        .fetch_optional(pool)
        .await
        .ctx("loading a callback URL")
}
