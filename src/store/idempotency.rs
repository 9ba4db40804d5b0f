//! `idempotency_keys` table: the first answer to a REST request sent with an
//! `Idempotency-Key`, kept 24 hours.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::AnyPool;

use super::{to_ms, Context, StoreError};

/// How long an answer is kept for retries.
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);

/// How long a claim without an answer holds: longer than any request takes
/// (a run waits at most 30 s), so a claim left by a process that died
/// mid-request lets go instead of refusing retries for a day.
pub const IN_FLIGHT_FOR: TimeDelta = TimeDelta::minutes(5);

/// What a key already holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nobody used it (in the last 24 h): this request goes ahead.
    New,
    /// The same key was sent with another request.
    Mismatch,
    /// The first request with it is still being answered.
    InFlight,
    /// The first request's answer: status and JSON body.
    Answered { status: u16, body: String },
}

/// Takes `key` of API key `api_key_id` for a request with `fingerprint`, or
/// says what holds it. Expired answers are deleted first.
pub async fn claim(
    pool: &AnyPool,
    api_key_id: i64,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    let mut tx = super::backend::begin_write(pool, "starting an idempotency claim").await?;
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE created_at < $1 OR (status IS NULL AND created_at < $2)",
    )
        .bind(to_ms(now - KEPT_FOR))
        .bind(to_ms(now - IN_FLIGHT_FOR))
        .execute(&mut *tx)
        .await
        .ctx("forgetting expired idempotency keys")?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (api_key_id, key, fingerprint, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (api_key_id, key) DO NOTHING",
    )
    .bind(api_key_id)
    .bind(key)
    .bind(fingerprint)
    .bind(to_ms(now))
    .execute(&mut *tx)
    .await
    .ctx("claiming an idempotency key")?;
    let claim = if inserted.rows_affected() == 1 {
        Claim::New
    } else {
        let (held, status, body): (String, Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE api_key_id = $1 AND key = $2",
        )
        .bind(api_key_id)
        .bind(key)
        .fetch_one(&mut *tx)
        .await
        .ctx("reading an idempotency key")?;
        match (held == fingerprint, status, body) {
            (false, _, _) => Claim::Mismatch,
            (true, Some(status), Some(body)) => Claim::Answered {
                status: status as u16,
                body,
            },
            _ => Claim::InFlight,
        }
    };
    tx.commit().await.ctx("committing an idempotency claim")?;
    Ok(claim)
}

/// Keeps the answer of the request that claimed `key`.
pub async fn answer(
    pool: &AnyPool,
    api_key_id: i64,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, body = $2 WHERE api_key_id = $3 AND key = $4",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(api_key_id)
    .bind(key)
    .execute(pool)
    .await
    .ctx("keeping an idempotent answer")?;
    Ok(())
}

/// Lets `key` go (the request failed on steward's side, so a retry should
/// run again).
pub async fn release(pool: &AnyPool, api_key_id: i64, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2")
        .bind(api_key_id)
        .bind(key)
        .execute(pool)
        .await
        .ctx("releasing an idempotency key")?;
    Ok(())
}
