//! Completion triggers seen from the workflow they follow: whether a run's
//! end may have queued a follower's run (the trigger in migration 0025
//! writes it), so the scheduler wakes only when it has something to start.

use sqlx::SqliteConnection;

use super::super::{Context, StoreError};

/// Whether an active workflow has a completion trigger on workflow `id`.
pub async fn has_followers(conn: &mut SqliteConnection, id: i64) -> Result<bool, StoreError> {
    sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM workflows WHERE trigger_kind = 'after' AND status = 'active' \
         AND trigger_expression IN (?1 || ' succeeded', ?1 || ' failed', ?1 || ' finished'))",
    )
    .bind(id)
    .fetch_one(conn)
    .await
    .ctx("looking for completion triggers")
}

/// Whether any active workflow has a completion trigger.
pub async fn any_followers(conn: &mut SqliteConnection) -> Result<bool, StoreError> {
    sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM workflows WHERE trigger_kind = 'after' AND status = 'active')",
    )
    .fetch_one(conn)
    .await
    .ctx("looking for any completion trigger")
}
