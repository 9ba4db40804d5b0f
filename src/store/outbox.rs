//! `outbox` table: notices written before they are delivered and removed
//! once delivered or recorded as undeliverable (DESIGN §4, nothing said is
//! lost).

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyPool};

use super::{to_ms, Context, StoreError};
use crate::workflow::notify::Kept;

/// A notice waiting for delivery. `buttons` and `about` are JSON the chat
/// module owns.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Waiting {
    pub id: i64,
    pub destination: String,
    pub delivery_id: String,
    pub workflow_id: i64,
    pub run_id: Option<i64>,
    pub text: String,
    pub buttons: String,
    pub about: Option<String>,
}

impl Waiting {
    /// The row for a notice `kept` about `workflow_id` (and `run_id`).
    pub fn of(kept: &Kept, workflow_id: i64, run_id: Option<i64>) -> Waiting {
        Waiting {
            id: 0,
            destination: kept.destination.clone(),
            delivery_id: kept.delivery_id.clone(),
            workflow_id,
            run_id,
            text: kept.text.clone(),
            buttons: kept.buttons.clone(),
            about: kept.about.clone(),
        }
    }
}

/// Writes a notice to deliver, on a pool or in the transaction of what
/// caused it; returns its id (its place in the order).
pub async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    notice: &Waiting,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (destination, delivery_id, workflow_id, run_id, text, buttons, about, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&notice.destination)
    .bind(&notice.delivery_id)
    .bind(notice.workflow_id)
    .bind(notice.run_id)
    .bind(&notice.text)
    .bind(&notice.buttons)
    .bind(&notice.about)
    .bind(to_ms(now))
    .fetch_one(executor)
    .await
    .ctx("writing a notice to the outbox")?;
    Ok(id)
}

/// Removes a notice delivered or recorded as undeliverable.
pub async fn remove(pool: &AnyPool, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM outbox WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .ctx("removing a delivered notice from the outbox")?;
    Ok(())
}

/// Every notice still waiting, oldest first.
pub async fn waiting(pool: &AnyPool) -> Result<Vec<Waiting>, StoreError> {
    sqlx::query_as(
        "SELECT id, destination, delivery_id, workflow_id, run_id, text, buttons, about \
         FROM outbox ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .ctx("reading the outbox")
}

/// Notices waiting to be delivered.
pub async fn depth(pool: &AnyPool) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(pool)
        .await
        .ctx("counting the outbox")
}
