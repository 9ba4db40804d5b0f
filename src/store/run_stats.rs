//! Figures over one workflow's runs in a period (the REST API's
//! `/workflows/{id}/stats`): counts by status, the durations of the runs
//! that ended, and the tokens and cost their usage recorded.

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{to_ms, Context, StoreError};

/// What the runs of a period add up to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunTotals {
    /// Runs per status, by status name.
    pub by_status: Vec<(String, i64)>,
    /// Milliseconds from start to end of each run that ended, shortest first.
    pub durations_ms: Vec<i64>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// The cost of the runs whose cost is known.
    pub cost_usd: f64,
    /// Runs that recorded usage without a known cost (a model without a price).
    pub unpriced: i64,
}

/// The runs of workflow `workflow_id` with slots in `[since, until)`.
pub async fn totals(
    pool: &AnyPool,
    workflow_id: i64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<RunTotals, StoreError> {
    let (since, until) = (to_ms(since), to_ms(until));
    let by_status: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM runs \
         WHERE workflow_id = $1 AND scheduled_for >= $2 AND scheduled_for < $3 \
         GROUP BY status ORDER BY status",
    )
    .bind(workflow_id)
    .bind(since)
    .bind(until)
    .fetch_all(pool)
    .await
    .ctx("counting a workflow's runs by status")?;
    let durations_ms: Vec<i64> = sqlx::query_scalar(
        "SELECT ended_at - started_at FROM runs \
         WHERE workflow_id = $1 AND scheduled_for >= $2 AND scheduled_for < $3 \
         AND started_at IS NOT NULL AND ended_at IS NOT NULL ORDER BY 1",
    )
    .bind(workflow_id)
    .bind(since)
    .bind(until)
    .fetch_all(pool)
    .await
    .ctx("reading a workflow's run durations")?;
    // `usage` is JSON (workflow::Usage); a JSON null cost is a model
    // without a known price, counted apart rather than as free.
    let (prompt_tokens, completion_tokens, cost_usd, unpriced): (i64, i64, f64, i64) =
        sqlx::query_as(&format!(
            "SELECT {} FROM runs \
             WHERE workflow_id = $1 AND scheduled_for >= $2 AND scheduled_for < $3 \
             AND json_valid(usage)",
            usage_sums(super::backend::pool_is_postgres(pool))
        ))
        .bind(workflow_id)
        .bind(since)
        .bind(until)
        .fetch_one(pool)
        .await
        .ctx("adding up a workflow's run usage")?;
    Ok(RunTotals {
        by_status,
        durations_ms,
        prompt_tokens,
        completion_tokens,
        cost_usd,
        unpriced,
    })
}

/// Tokens, cost and the count of unpriced runs out of `usage`, in each
/// database's JSON functions. The cost is a float even when every cost is
/// a whole number (SQLite's SUM of integers is an integer).
fn usage_sums(postgres: bool) -> &'static str {
    if postgres {
        "CAST(COALESCE(SUM(CAST(CAST(usage AS json) ->> 'prompt_tokens' AS BIGINT)), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CAST(CAST(usage AS json) ->> 'completion_tokens' AS BIGINT)), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CAST(CAST(usage AS json) ->> 'cost_usd' AS DOUBLE PRECISION)), 0) AS DOUBLE PRECISION), \
         COUNT(usage) - COUNT(CAST(usage AS json) ->> 'cost_usd')"
    } else {
        "COALESCE(SUM(json_extract(usage, '$.prompt_tokens')), 0), \
         COALESCE(SUM(json_extract(usage, '$.completion_tokens')), 0), \
         CAST(COALESCE(SUM(json_extract(usage, '$.cost_usd')), 0.0) AS REAL), \
         COUNT(usage) - COUNT(json_extract(usage, '$.cost_usd'))"
    }
}

/// Runs of workflow `workflow_id` with slots in `[since, until)`, counted
/// per day and status; a day is `(slot + offset_ms) / 1 day` (days in a
/// zone `offset_ms` ahead of UTC).
pub async fn per_day(
    pool: &AnyPool,
    workflow_id: i64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    offset_ms: i64,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    sqlx::query_as(
        "SELECT (scheduled_for + $4) / 86400000, status, COUNT(*) FROM runs \
         WHERE workflow_id = $1 AND scheduled_for >= $2 AND scheduled_for < $3 \
         GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .bind(workflow_id)
    .bind(to_ms(since))
    .bind(to_ms(until))
    .bind(offset_ms)
    .fetch_all(pool)
    .await
    .ctx("counting a workflow's runs per day")
}
