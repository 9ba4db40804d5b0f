//! `run_steps` table: what each step of a run did.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::sealed;
use super::{from_ms, opt_ms, to_ms, Context, StoreError};
use crate::workflow::{StepRecord, StepStatus};

#[derive(sqlx::FromRow)]
struct Row {
    run_id: i64,
    step_key: String,
    kind: String,
    status: String,
    output: Option<String>,
    resume: Option<String>,
    error: Option<String>,
    usage: Option<String>,
    started_at: i64,
    ended_at: Option<i64>,
}

/// Records that a step started (or restarted after a resume).
pub async fn started(
    pool: &AnyPool,
    run_id: i64,
    key: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO run_steps (run_id, step_key, kind, status, started_at) VALUES ($1, $2, $3, 'running', $4) \
         ON CONFLICT (run_id, step_key) DO UPDATE SET status = 'running', started_at = excluded.started_at, \
         ended_at = NULL, error = NULL",
    )
    .bind(run_id)
    .bind(key)
    .bind(kind)
    .bind(to_ms(now))
    .execute(pool)
    .await
    .ctx("recording a step start")?;
    Ok(())
}

/// The steps of a run, in the order they started.
pub async fn list(pool: &AnyPool, run_id: i64) -> Result<Vec<StepRecord>, StoreError> {
    list_of(pool, &[run_id]).await
}

/// The steps of several runs in one query, each run's in the order they
/// started (for listings: one query, not one per run).
pub async fn list_of(pool: &AnyPool, run_ids: &[i64]) -> Result<Vec<StepRecord>, StoreError> {
    if run_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; run_ids.len()].join(", ");
    let sql = super::numbered(
        &format!(
            "SELECT run_id, step_key, kind, status, output, resume, error, usage, started_at, ended_at \
             FROM run_steps WHERE run_id IN ({marks}) ORDER BY run_id, started_at, step_key"
        ),
        super::backend::pool_is_postgres(pool),
    );
    let mut select = sqlx::query_as::<_, Row>(&sql);
    for id in run_ids {
        select = select.bind(id);
    }
    let rows = select.fetch_all(pool).await.ctx("loading run steps")?;
    rows.into_iter()
        .map(|r| {
            let resume = sealed::open_opt(r.resume, "a waiting run's state")?;
            Ok(StepRecord {
                run_id: r.run_id,
                step_key: r.step_key,
                kind: r.kind,
                status: StepStatus::parse(&r.status),
                output: r.output.and_then(|o| serde_json::from_str(&o).ok()),
                resume: resume.and_then(|o| serde_json::from_str(&o).ok()),
                error: r.error,
                usage: r.usage.and_then(|u| serde_json::from_str(&u).ok()),
                started_at: from_ms(r.started_at),
                ended_at: opt_ms(r.ended_at),
            })
        })
        .collect()
}
