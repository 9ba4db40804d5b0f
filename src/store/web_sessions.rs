//! `web_links` and `web_sessions`: the dashboard's one-time sign-in links
//! and its signed-in browsers. Only the SHA-256 of a token is kept
//! ([`super::api_keys::hash`]); the token itself is in the link or the
//! cookie alone.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{from_ms, to_ms, Context, StoreError};

/// A new random token: 64 hex digits (256 bits) from the OS generator.
pub fn token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Data(format!("the OS random generator failed: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Who a link or a session signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub user: String,
    pub admin: bool,
}

/// Stores a sign-in link for `person`, valid until `expires`.
pub async fn insert_link(
    pool: &AnyPool,
    hash: &str,
    person: &Person,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO web_links (hash, user_id, admin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash)
    .bind(&person.user)
    .bind(i64::from(person.admin))
    .bind(to_ms(now))
    .bind(to_ms(expires))
    .execute(pool)
    .await
    .ctx("storing a sign-in link")?;
    Ok(())
}

/// Uses the link whose token hashes to `hash`: whom it signs in, if it
/// exists, has not expired and was never used. One statement, so two
/// browsers racing with one link cannot both win.
pub async fn use_link(
    pool: &AnyPool,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Person>, StoreError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "UPDATE web_links SET used_at = $1 \
         WHERE hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id, admin",
    )
    .bind(to_ms(now))
    .bind(hash)
    .fetch_optional(pool)
    .await
    .ctx("using a sign-in link")?;
    Ok(row.map(|(user, admin)| Person {
        user,
        admin: admin != 0,
    }))
}

/// A session to store.
pub struct NewSession<'a> {
    /// Hex SHA-256 of the cookie's token.
    pub hash: &'a str,
    pub person: &'a Person,
    /// Signed in with this API key: the session ends when it is revoked.
    pub api_key_id: Option<i64>,
    pub csrf: &'a str,
    pub expires: DateTime<Utc>,
}

/// Stores a session, and forgets links and sessions that ended a day ago.
pub async fn insert_session(
    pool: &AnyPool,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let long_ago = to_ms(now) - 86_400_000;
    for table in ["web_links", "web_sessions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE expires_at < $1"))
            .bind(long_ago)
            .execute(pool)
            .await
            .ctx("forgetting ended sign-ins")?;
    }
    sqlx::query(
        "INSERT INTO web_sessions (hash, user_id, admin, api_key_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.hash)
    .bind(&new.person.user)
    .bind(i64::from(new.person.admin))
    .bind(new.api_key_id)
    .bind(new.csrf)
    .bind(to_ms(now))
    .bind(to_ms(new.expires))
    .execute(pool)
    .await
    .ctx("storing a dashboard session")?;
    Ok(())
}

/// A live session.
#[derive(Clone, Debug)]
pub struct Session {
    pub person: Person,
    /// The token every form sends back.
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// The live session whose token hashes to `hash`: not signed out, not
/// expired, and its API key (if it signed in with one) not revoked.
pub async fn session(
    pool: &AnyPool,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let row: Option<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT s.user_id, s.admin, s.csrf, s.expires_at FROM web_sessions s \
         LEFT JOIN api_keys k ON k.id = s.api_key_id \
         WHERE s.hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
         AND (s.api_key_id IS NULL OR k.revoked_at IS NULL)",
    )
    .bind(hash)
    .bind(to_ms(now))
    .fetch_optional(pool)
    .await
    .ctx("reading a dashboard session")?;
    Ok(row.map(|(user, admin, csrf, expires)| Session {
        person: Person {
            user,
            admin: admin != 0,
        },
        csrf,
        expires_at: from_ms(expires),
    }))
}

/// Signs a session out; whether it was live.
pub async fn revoke(pool: &AnyPool, hash: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE web_sessions SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL",
    )
    .bind(to_ms(now))
    .bind(hash)
    .execute(pool)
    .await
    .ctx("signing a dashboard session out")?;
    Ok(done.rows_affected() > 0)
}
