//! Completion triggers seen from the workflow they follow: whether a run's
//! end may have queued a follower's run (the trigger in migration 0025
//! writes it), so the scheduler wakes only when it has something to start.

use sqlx::AnyConnection;

use super::super::{Context, StoreError};

/// Whether an active workflow has a completion trigger on workflow `id`.
pub async fn has_followers(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let found: i64 = sqlx::query_scalar(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM workflows WHERE trigger_kind = 'after' AND status = 'active' \
         AND trigger_expression IN ($1 || ' succeeded', $1 || ' failed', $1 || ' finished')) THEN 1 ELSE 0 END",
    )
    .bind(id.to_string())
    .fetch_one(conn)
    .await
    .ctx("looking for completion triggers")?;
    Ok(found == 1)
}

/// Whether any active workflow has a completion trigger.
pub async fn any_followers(conn: &mut AnyConnection) -> Result<bool, StoreError> {
    let found: i64 = sqlx::query_scalar(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM workflows WHERE trigger_kind = 'after' AND status = 'active') \
         THEN 1 ELSE 0 END",
    )
    .fetch_one(conn)
    .await
    .ctx("looking for any completion trigger")?;
    Ok(found == 1)
}
