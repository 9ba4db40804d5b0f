//! `approvals` table: questions a run waits on.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};

use super::{from_ms, opt_ms, to_ms, Context, StoreError};

/// A question and its answer, if any.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Approval {
    pub id: i64,
    pub run_id: i64,
    pub step_key: String,
    pub prompt: String,
    /// pending | approved | rejected | expired
    pub status: String,
    pub answered_by: Option<String>,
    answered_at: Option<i64>,
    expires_at: i64,
}

impl Approval {
    pub fn expires_at(&self) -> DateTime<Utc> {
        from_ms(self.expires_at)
    }

    pub fn answered_at(&self) -> Option<DateTime<Utc>> {
        opt_ms(self.answered_at)
    }
}

const COLUMNS: &str = "id, run_id, step_key, prompt, status, answered_by, answered_at, expires_at";

pub async fn get(
    pool: &AnyPool,
    run_id: i64,
    step_key: &str,
) -> Result<Option<Approval>, StoreError> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE run_id = $1 AND step_key = $2"
    ))
    .bind(run_id)
    .bind(step_key)
    .fetch_optional(pool)
    .await
    .ctx("loading an approval")
}

/// Asks; returns the existing question if the step already asked. In the
/// caller's transaction, so its notice is written with it.
pub async fn ask(
    conn: &mut AnyConnection,
    run_id: i64,
    step_key: &str,
    prompt: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Approval, StoreError> {
    sqlx::query(
        "INSERT INTO approvals (run_id, step_key, prompt, expires_at, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (run_id, step_key) DO NOTHING",
    )
    .bind(run_id)
    .bind(step_key)
    .bind(prompt)
    .bind(to_ms(expires_at))
    .bind(to_ms(now))
    .execute(&mut *conn)
    .await
    .ctx("recording an approval request")?;
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE run_id = $1 AND step_key = $2"
    ))
    .bind(run_id)
    .bind(step_key)
    .fetch_one(conn)
    .await
    .ctx("loading an approval request")
}

/// Answers a pending question of a run; `false` if there is none pending.
pub async fn answer(
    pool: &AnyPool,
    run_id: i64,
    approve: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE approvals SET status = $1, answered_by = $2, answered_at = $3 \
         WHERE run_id = $4 AND status = 'pending' AND expires_at > $5",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(by)
    .bind(to_ms(now))
    .bind(run_id)
    .bind(to_ms(now))
    .execute(pool)
    .await
    .ctx("answering an approval")?;
    Ok(done.rows_affected() > 0)
}

/// Waiting runs whose question was answered or has expired (marking those
/// expired): the runs to resume.
pub async fn settled_waiting_runs(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    sqlx::query(
        "UPDATE approvals SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1",
    )
    .bind(to_ms(now))
    .execute(&mut *conn)
    .await
    .ctx("expiring approvals")?;
    sqlx::query_scalar(
        "SELECT DISTINCT r.id FROM runs r JOIN approvals a ON a.run_id = r.id \
         WHERE r.status = 'waiting' AND a.status != 'pending' \
         AND NOT EXISTS (SELECT 1 FROM approvals p WHERE p.run_id = r.id AND p.status = 'pending')",
    )
    .fetch_all(conn)
    .await
    .ctx("loading answered approvals")
}

/// The earliest pending expiry.
pub async fn next_expiry(pool: &AnyPool) -> Result<Option<DateTime<Utc>>, StoreError> {
    let ms: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(a.expires_at) FROM approvals a JOIN runs r ON r.id = a.run_id \
             WHERE a.status = 'pending' AND r.status = 'waiting'",
    )
    .fetch_one(pool)
    .await
    .ctx("finding the next approval expiry")?;
    Ok(opt_ms(ms))
}

/// Pending questions, for operators.
pub async fn pending(pool: &AnyPool) -> Result<Vec<Approval>, StoreError> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE status = 'pending' ORDER BY id"
    ))
    .fetch_all(pool)
    .await
    .ctx("listing pending approvals")
}

/// A pending question with its run's workflow.
#[derive(Clone, Debug)]
pub struct Asking {
    pub approval: Approval,
    pub workflow_id: i64,
    pub workflow_name: String,
}

/// Pending questions of runs still waiting, on `owner`'s workflows, oldest
/// first.
pub async fn pending_of(pool: &AnyPool, owner: &str) -> Result<Vec<Asking>, StoreError> {
    let rows: Vec<(i64, i64, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT a.id, a.run_id, a.step_key, a.prompt, a.expires_at, w.id, w.name \
         FROM approvals a JOIN runs r ON r.id = a.run_id JOIN workflows w ON w.id = r.workflow_id \
         WHERE a.status = 'pending' AND r.status = 'waiting' AND w.owner = $1 ORDER BY a.id",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
    .ctx("listing a person's pending approvals")?;
    Ok(rows
        .into_iter()
        .map(
            |(id, run_id, step_key, prompt, expires_at, workflow_id, workflow_name)| Asking {
                approval: Approval {
                    id,
                    run_id,
                    step_key,
                    prompt,
                    status: "pending".into(),
                    answered_by: None,
                    answered_at: None,
                    expires_at,
                },
                workflow_id,
                workflow_name,
            },
        )
        .collect())
}
