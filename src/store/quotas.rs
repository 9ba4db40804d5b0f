//! `user_quotas` (what an admin set for one person) and `limit_hits` (how
//! often each person hit each limit, a row a UTC day), with the usage the
//! quotas count: a person's runs and agent usage since an instant.

use chrono::{DateTime, Utc};

use super::{from_ms, to_ms, AnyConnection, Context, StoreError};
use crate::workflow::QuotaOverride;

#[derive(sqlx::FromRow)]
struct Row {
    messages_per_minute: Option<i64>,
    max_workflows: Option<i64>,
    runs_per_hour: Option<i64>,
    min_interval_seconds: Option<i64>,
    tokens_per_day: Option<i64>,
    cost_per_day_usd: Option<f64>,
}

impl From<Row> for QuotaOverride {
    fn from(row: Row) -> QuotaOverride {
        let small = |n: Option<i64>| n.map(|n| n.clamp(0, u32::MAX.into()) as u32);
        QuotaOverride {
            messages_per_minute: small(row.messages_per_minute),
            max_workflows: small(row.max_workflows),
            runs_per_hour: small(row.runs_per_hour),
            min_interval_seconds: row.min_interval_seconds,
            tokens_per_day: row.tokens_per_day.map(|n| n.max(0) as u64),
            cost_per_day_usd: row.cost_per_day_usd,
        }
    }
}

const COLUMNS: &str = "messages_per_minute, max_workflows, runs_per_hour, \
    min_interval_seconds, tokens_per_day, cost_per_day_usd";

/// What an admin set for `user`; empty when nothing.
pub async fn get(conn: &mut AnyConnection, user: &str) -> Result<QuotaOverride, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM user_quotas WHERE user_id = $1"
    ))
    .bind(user)
    .fetch_optional(conn)
    .await
    .ctx("reading a person's quotas")?;
    Ok(row.map(QuotaOverride::from).unwrap_or_default())
}

/// Every person with an override, by id.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<(String, QuotaOverride)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Named {
        user_id: String,
        #[sqlx(flatten)]
        row: Row,
    }
    let rows: Vec<Named> = sqlx::query_as(&format!(
        "SELECT user_id, {COLUMNS} FROM user_quotas ORDER BY user_id"
    ))
    .fetch_all(conn)
    .await
    .ctx("listing people's quotas")?;
    Ok(rows
        .into_iter()
        .map(|n| (n.user_id, QuotaOverride::from(n.row)))
        .collect())
}

/// Keeps `quotas` for `user` (an empty one removes the row).
pub async fn put(
    conn: &mut AnyConnection,
    user: &str,
    quotas: &QuotaOverride,
    set_by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if quotas.is_empty() {
        sqlx::query("DELETE FROM user_quotas WHERE user_id = $1")
            .bind(user)
            .execute(conn)
            .await
            .ctx("removing a person's quotas")?;
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO user_quotas (user_id, {COLUMNS}, set_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (user_id) DO UPDATE SET messages_per_minute = excluded.messages_per_minute, \
         max_workflows = excluded.max_workflows, runs_per_hour = excluded.runs_per_hour, \
         min_interval_seconds = excluded.min_interval_seconds, \
         tokens_per_day = excluded.tokens_per_day, cost_per_day_usd = excluded.cost_per_day_usd, \
         set_by = excluded.set_by, updated_at = excluded.updated_at"
    ))
    .bind(user)
    .bind(quotas.messages_per_minute.map(i64::from))
    .bind(quotas.max_workflows.map(i64::from))
    .bind(quotas.runs_per_hour.map(i64::from))
    .bind(quotas.min_interval_seconds)
    .bind(quotas.tokens_per_day.map(|n| n.min(i64::MAX as u64) as i64))
    .bind(quotas.cost_per_day_usd)
    .bind(set_by)
    .bind(to_ms(now))
    .execute(conn)
    .await
    .ctx("keeping a person's quotas")?;
    Ok(())
}

/// Counts one hit of `limit` by `user` on `now`'s UTC day; returns how many
/// that day has now (1 for the first).
pub async fn hit(
    conn: &mut AnyConnection,
    user: &str,
    limit: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO limit_hits (user_id, limit_name, day, count, first_at, last_at) \
         VALUES ($1, $2, $3, 1, $4, $5) \
         ON CONFLICT (user_id, limit_name, day) DO UPDATE SET count = limit_hits.count + 1, \
         last_at = excluded.last_at RETURNING count",
    )
    .bind(user)
    .bind(limit)
    .bind(day(now))
    .bind(to_ms(now))
    .bind(to_ms(now))
    .fetch_one(conn)
    .await
    .ctx("counting a limit hit")
}

/// Counts `count` hits of `limit` by `user`, the last at `at`, on `at`'s
/// UTC day.
pub async fn hit_times(
    conn: &mut AnyConnection,
    user: &str,
    limit: &str,
    count: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO limit_hits (user_id, limit_name, day, count, first_at, last_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id, limit_name, day) DO UPDATE SET count = limit_hits.count + excluded.count, \
         last_at = CASE WHEN excluded.last_at > limit_hits.last_at THEN excluded.last_at ELSE limit_hits.last_at END",
    )
    .bind(user)
    .bind(limit)
    .bind(day(at))
    .bind(count)
    .bind(to_ms(at))
    .bind(to_ms(at))
    .execute(conn)
    .await
    .ctx("counting limit hits")?;
    Ok(())
}

/// Hits on the UTC day of `now` of `limit` by `user`.
pub async fn hits_on(
    conn: &mut AnyConnection,
    user: &str,
    limit: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let count: Option<i64> = sqlx::query_scalar(
        "SELECT count FROM limit_hits WHERE user_id = $1 AND limit_name = $2 AND day = $3",
    )
    .bind(user)
    .bind(limit)
    .bind(day(now))
    .fetch_optional(conn)
    .await
    .ctx("reading a limit hit")?;
    Ok(count.unwrap_or(0))
}

/// One person's hits of one limit over some days.
#[derive(Clone, Debug, PartialEq)]
pub struct Hits {
    pub user: String,
    pub limit: String,
    pub count: i64,
    pub last_at: DateTime<Utc>,
}

/// Hits on the UTC days from `since`'s on, most first.
pub async fn hits_since(
    conn: &mut AnyConnection,
    since: DateTime<Utc>,
) -> Result<Vec<Hits>, StoreError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT user_id, limit_name, CAST(SUM(count) AS BIGINT), MAX(last_at) FROM limit_hits \
         WHERE day >= $1 GROUP BY user_id, limit_name ORDER BY SUM(count) DESC, user_id LIMIT 100",
    )
    .bind(day(since))
    .fetch_all(conn)
    .await
    .ctx("reading limit hits")?;
    Ok(rows
        .into_iter()
        .map(|(user, limit, count, last)| Hits {
            user,
            limit,
            count,
            last_at: from_ms(last),
        })
        .collect())
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// Runs of `owner`'s workflows with slots from `since` on (manual runs have
/// their start as their slot).
pub async fn runs_since(
    conn: &mut AnyConnection,
    owner: &str,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM runs r JOIN workflows w ON r.workflow_id = w.id \
         WHERE w.owner = $1 AND r.scheduled_for >= $2",
    )
    .bind(owner)
    .bind(to_ms(since))
    .fetch_one(conn)
    .await
    .ctx("counting a person's runs")
}

/// The agent tokens and cost `owner`'s runs recorded from `since` on,
/// without run `except` (the one asking).
pub async fn usage_since(
    conn: &mut AnyConnection,
    owner: &str,
    since: DateTime<Utc>,
    except: Option<i64>,
) -> Result<(u64, f64), StoreError> {
    let sums = if crate::store::is_postgres(conn) {
        "CAST(COALESCE(SUM(COALESCE(CAST(CAST(r.usage AS json) ->> 'prompt_tokens' AS BIGINT), 0) \
           + COALESCE(CAST(CAST(r.usage AS json) ->> 'completion_tokens' AS BIGINT), 0)), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CAST(CAST(r.usage AS json) ->> 'cost_usd' AS DOUBLE PRECISION)), 0) AS DOUBLE PRECISION)"
    } else {
        "COALESCE(SUM(COALESCE(json_extract(r.usage, '$.prompt_tokens'), 0) \
           + COALESCE(json_extract(r.usage, '$.completion_tokens'), 0)), 0), \
         CAST(COALESCE(SUM(json_extract(r.usage, '$.cost_usd')), 0.0) AS REAL)"
    };
    let (tokens, cost): (i64, f64) = sqlx::query_as(&format!(
        "SELECT {sums} FROM runs r JOIN workflows w ON r.workflow_id = w.id \
         WHERE w.owner = $1 AND r.scheduled_for >= $2 AND r.id != $3 AND json_valid(r.usage)"
    ))
    .bind(owner)
    .bind(to_ms(since))
    .bind(except.unwrap_or(-1))
    .fetch_one(conn)
    .await
    .ctx("adding up a person's agent usage")?;
    Ok((tokens.max(0) as u64, cost))
}

/// The slot of `owner`'s earliest run from `since` on: when the count of
/// runs in a window starting then drops.
pub async fn oldest_run_since(
    conn: &mut AnyConnection,
    owner: &str,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(r.scheduled_for) FROM runs r JOIN workflows w ON r.workflow_id = w.id \
         WHERE w.owner = $1 AND r.scheduled_for >= $2",
    )
    .bind(owner)
    .bind(to_ms(since))
    .fetch_one(conn)
    .await
    .ctx("finding a person's earliest recent run")?;
    Ok(at.map(from_ms))
}
