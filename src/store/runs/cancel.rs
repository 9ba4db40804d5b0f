//! Cancelling runs: a queued, retrying or waiting run ends at once; a
//! running one gets a request its process reads (`cancel_requested`) and
//! acts on, whichever process that is.

use super::*;

/// What a cancel did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancel {
    /// The run was not executing: it is `cancelled` now.
    Cancelled,
    /// The run is executing: its process stops it shortly.
    Requested,
    /// The run had already ended.
    Over,
}

/// Cancels run `id` for `by` (who, for the record).
pub async fn cancel(
    conn: &mut AnyConnection,
    id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Cancel, StoreError> {
    let error = format!("cancelled by {by}");
    let done = sqlx::query(
        "UPDATE runs SET status = 'cancelled', ended_at = $1, error = $2, retry_at = NULL, \
         lease_owner = NULL, lease_until = NULL, cancel_requested_by = $3 \
         WHERE id = $4 AND status IN ('queued', 'retrying', 'waiting')",
    )
    .bind(to_ms(now))
    .bind(&error)
    .bind(by)
    .bind(id)
    .execute(&mut *conn)
    .await
    .ctx("cancelling a run")?;
    if done.rows_affected() == 1 {
        // A question it was waiting on is withdrawn, not left to answer.
        sqlx::query(
            "UPDATE approvals SET status = 'withdrawn', answered_by = $1, answered_at = $2 \
             WHERE run_id = $3 AND status = 'pending'",
        )
        .bind(by)
        .bind(to_ms(now))
        .bind(id)
        .execute(conn)
        .await
        .ctx("withdrawing a cancelled run's approval")?;
        return Ok(Cancel::Cancelled);
    }
    let asked = sqlx::query(
        "UPDATE runs SET cancel_requested_by = $1 WHERE id = $2 AND status = 'running'",
    )
    .bind(by)
    .bind(id)
    .execute(conn)
    .await
    .ctx("asking a run to stop")?;
    Ok(if asked.rows_affected() == 1 {
        Cancel::Requested
    } else {
        Cancel::Over
    })
}

/// Who asked running run `id` to stop, if anyone did.
pub async fn cancel_requested(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>, StoreError> {
    let by: Option<Option<String>> = sqlx::query_scalar(
        "SELECT cancel_requested_by FROM runs WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .ctx("reading a run's cancel request")?;
    Ok(by.flatten())
}

/// The runs of workflow `id` not yet ended, newest first (not those claimed
/// ahead of their slot: they have not begun).
pub async fn live_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM runs r WHERE workflow_id = $1 \
         AND status IN ('queued', 'running', 'waiting', 'retrying') AND {} ORDER BY id DESC",
        super::NOT_CLAIMED_AHEAD
    ))
    .bind(id)
    .fetch_all(conn)
    .await
    .ctx("loading a workflow's live runs")?;
    runs(rows)
}
