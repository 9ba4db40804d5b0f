//! `audit` table: who changed what.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{to_ms, Context, StoreError};

pub async fn record(
    conn: &mut AnyConnection,
    actor: &str,
    workflow_id: Option<i64>,
    action: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit (at, actor, workflow_id, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(to_ms(now))
    .bind(actor)
    .bind(workflow_id)
    .bind(action)
    .bind(detail)
    .execute(conn)
    .await
    .ctx("recording an audit entry")?;
    Ok(())
}
