//! `chat_callbacks` table: where the webhook chat API pushes a conversation's
//! later notices. The first URL a conversation registers holds; only an
//! explicit replacement changes it.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{to_ms, Context, StoreError};

/// What registering a callback URL did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// The chat had none; this one is now its callback.
    First,
    /// The chat already had this URL.
    Same,
    /// The chat's URL was replaced (asked for explicitly).
    Replaced { previous: String },
    /// The chat has another URL, which stays.
    Taken { existing: String },
}

/// Registers `url` as the callback of `chat`: the first registration holds,
/// another URL replaces it only with `replace`.
pub async fn register(
    pool: &AnyPool,
    chat: &str,
    url: &str,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<Registration, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO chat_callbacks (chat, url, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (chat) DO NOTHING",
    )
    .bind(chat)
    .bind(url)
    .bind(to_ms(now))
    .execute(pool)
    .await
    .ctx("saving a callback URL")?;
    if inserted.rows_affected() == 1 {
        return Ok(Registration::First);
    }
    let Some(existing) = get(pool, chat).await? else {
        // Unregistered in between (nothing deletes them today): try again.
        return Box::pin(register(pool, chat, url, replace, now)).await;
    };
    if existing == url {
        return Ok(Registration::Same);
    }
    if !replace {
        return Ok(Registration::Taken { existing });
    }
    // Replaces only the URL that was read, so two replacements do not
    // both report success over each other.
    let replaced = sqlx::query(
        "UPDATE chat_callbacks SET url = $1, updated_at = $2 WHERE chat = $3 AND url = $4",
    )
    .bind(url)
    .bind(to_ms(now))
    .bind(chat)
    .bind(&existing)
    .execute(pool)
    .await
    .ctx("replacing a callback URL")?;
    if replaced.rows_affected() == 1 {
        Ok(Registration::Replaced { previous: existing })
    } else {
        Box::pin(register(pool, chat, url, replace, now)).await
    }
}

/// The callback URL of `chat`, if its conversation gave one.
pub async fn get(pool: &AnyPool, chat: &str) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT url FROM chat_callbacks WHERE chat = $1")
        .bind(chat)
        .fetch_optional(pool)
        .await
        .ctx("loading a callback URL")
}
