//! `runs` table: one row per slot, unique on `(workflow_id, scheduled_for)`.

mod cancel;
mod delivery;
mod latest;
mod lifecycle;

pub use cancel::*;
pub use delivery::take_delivery_error;
pub use latest::{last_ended, LastRun};
pub use lifecycle::*;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{AnyConnection, AnyPool};

use super::sealed::{self, Whole};
use super::{from_ms, opt_ms, to_ms, Context, StoreError};
use crate::workflow::{Run, RunStatus, Usage};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    workflow_id: i64,
    workflow_version: i64,
    trigger: String,
    scheduled_for: i64,
    status: String,
    attempt: i64,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    input: Option<String>,
    output: Option<String>,
    error: Option<String>,
    usage: Option<String>,
    delivery_errors: Option<String>,
    /// Only in queries that join the workflow.
    #[sqlx(default)]
    workflow_name: Option<String>,
}

const COLUMNS: &str =
    "id, workflow_id, workflow_version, trigger, scheduled_for, status, attempt, \
    started_at, ended_at, input, output, error, usage, delivery_errors";

impl Row {
    /// The input may carry secrets (a chained run's input is the steps'
    /// unmasked outputs): sealed at rest, and a sealed one that does not
    /// open fails the read.
    fn into_run(self) -> Result<Run, StoreError> {
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str::<Value>(&t).ok());
        let input = sealed::open_opt(self.input, "a run's input")?;
        Ok(Run {
            id: self.id,
            workflow_id: self.workflow_id,
            workflow_version: self.workflow_version,
            trigger: self.trigger,
            scheduled_for: from_ms(self.scheduled_for),
            status: self.status.parse().unwrap_or(RunStatus::Failed),
            attempt: self.attempt,
            started_at: opt_ms(self.started_at),
            ended_at: opt_ms(self.ended_at),
            input: json(input),
            output: json(self.output),
            error: self.error,
            usage: self.usage.and_then(|u| serde_json::from_str(&u).ok()),
            delivery_errors: self
                .delivery_errors
                .and_then(|d| serde_json::from_str(&d).ok())
                .unwrap_or_default(),
        })
    }
}

/// Rows to runs, the first that does not open failing all.
fn runs(rows: Vec<Row>) -> Result<Vec<Run>, StoreError> {
    rows.into_iter().map(Row::into_run).collect()
}

/// A run to record.
pub struct NewRun<'a> {
    pub workflow_id: i64,
    pub workflow_version: i64,
    pub trigger: &'a str,
    pub scheduled_for: DateTime<Utc>,
    pub status: RunStatus,
    pub input: Option<&'a Value>,
    pub error: Option<&'a str>,
    /// For `running`: who runs it and until when the lease holds.
    pub lease: Option<(&'a str, DateTime<Utc>)>,
}

/// Records a run at its slot or, when a run already has that instant (runs
/// are unique per workflow and slot), at the next free millisecond after
/// it: for runs started by hand, by another workflow or by a failure, which
/// have no slot of their own. Returns its id.
pub async fn insert_at_free_slot(
    conn: &mut AnyConnection,
    mut run: NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    loop {
        if let Some(id) = insert(&mut *conn, &run, now).await? {
            return Ok(id);
        }
        run.scheduled_for += chrono::TimeDelta::milliseconds(1);
    }
}

/// Records a run; `None` when the slot already has one (the unique key).
pub async fn insert(
    conn: &mut AnyConnection,
    run: &NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let ended = run.status.is_final().then(|| to_ms(now));
    // A run claimed ahead of its slot has not started yet; its start is
    // stamped when it does.
    let started =
        (run.status == RunStatus::Running && run.scheduled_for <= now).then(|| to_ms(now));
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, started_at, \
         ended_at, lease_owner, lease_until, input, error, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (workflow_id, scheduled_for) DO NOTHING RETURNING id",
    )
    .bind(run.workflow_id)
    .bind(run.workflow_version)
    .bind(run.trigger)
    .bind(to_ms(run.scheduled_for))
    .bind(run.status.as_str())
    .bind(started)
    .bind(ended)
    .bind(run.lease.map(|(owner, _)| owner))
    .bind(run.lease.map(|(_, until)| to_ms(until)))
    .bind(
        run.input
            .map(|input| sealed::json(&input.to_string(), Whole::SecretFields)),
    )
    .bind(run.error)
    .bind(to_ms(now))
    .fetch_optional(conn)
    .await
    .ctx("recording a run")
}

/// A run to record in bulk (the claim's common case).
pub struct RunRow {
    pub workflow_id: i64,
    pub workflow_version: i64,
    pub trigger: String,
    pub scheduled_for: DateTime<Utc>,
    pub status: RunStatus,
    pub error: Option<String>,
    /// Leased to the claiming process (`running` runs).
    pub leased: bool,
}

/// Records many runs with multi-row statements; slots that already have a run
/// are left alone. Returns `(id, workflow_id, scheduled_for)` of the new rows.
pub async fn insert_many(
    conn: &mut AnyConnection,
    rows: &[RunRow],
    owner: &str,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64, DateTime<Utc>)>, StoreError> {
    let mut inserted = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(80) {
        let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, started_at, \
             ended_at, lease_owner, lease_until, error, created_at) VALUES {values} \
             ON CONFLICT (workflow_id, scheduled_for) DO NOTHING RETURNING id, workflow_id, scheduled_for"
        );
        let sql = crate::store::numbered(&sql, crate::store::is_postgres(conn));
        let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql).persistent(chunk.len() == 80);
        for row in chunk {
            // Claimed ahead of its slot: not started yet.
            let running = row.status == RunStatus::Running && row.scheduled_for <= now;
            query = query
                .bind(row.workflow_id)
                .bind(row.workflow_version)
                .bind(&row.trigger)
                .bind(to_ms(row.scheduled_for))
                .bind(row.status.as_str())
                .bind(running.then(|| to_ms(now)))
                .bind(row.status.is_final().then(|| to_ms(now)))
                .bind(row.leased.then_some(owner))
                .bind(row.leased.then(|| to_ms(lease_until)))
                .bind(&row.error)
                .bind(to_ms(now));
        }
        let done = query.fetch_all(&mut *conn).await.ctx("recording runs")?;
        inserted.extend(done.into_iter().map(|(id, w, at)| (id, w, from_ms(at))));
    }
    Ok(inserted)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Run>, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM runs WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("loading a run")?;
    row.map(Row::into_run).transpose()
}

/// Leaves out runs claimed ahead of their slot that have not started (alias
/// `r`): until they start they are the workflow's next run, not its history.
pub(crate) const NOT_CLAIMED_AHEAD: &str = "NOT (r.status = 'running' AND r.started_at IS NULL)";

/// Runs by slot time, optionally of one workflow and since an instant.
pub async fn list(
    pool: &AnyPool,
    workflow_id: Option<i64>,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM runs r WHERE ($1 IS NULL OR workflow_id = $1) \
         AND ($2 IS NULL OR scheduled_for >= $2) AND {NOT_CLAIMED_AHEAD} \
         ORDER BY scheduled_for, id LIMIT $3"
    ))
    .bind(workflow_id)
    .bind(since.map(to_ms))
    .bind(limit)
    .fetch_all(pool)
    .await
    .ctx("listing runs")?;
    runs(rows)
}

/// What a history question asks for.
#[derive(Clone, Debug, Default)]
pub struct HistoryQuery<'a> {
    /// Only workflows of this owner (`None`: everyone's, for admins).
    pub owner: Option<&'a str>,
    pub workflow_id: Option<i64>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<RunStatus>,
    /// Runs whose slot is in `[since, until)`.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only runs after this one in the order (slot, id), newest first: a
    /// page's cursor.
    pub before: Option<(DateTime<Utc>, i64)>,
    pub limit: i64,
}

/// Runs matching `query`, newest slot first, each with its workflow's name.
pub async fn history(
    pool: &AnyPool,
    query: &HistoryQuery<'_>,
) -> Result<Vec<(Run, String)>, StoreError> {
    // Only the conditions asked for are written: `($2 IS NULL OR
    // r.workflow_id = $2)` kept SQLite from the (workflow_id, scheduled_for)
    // index, so one workflow's latest runs read every run (30 ms at 48,000).
    // A run claimed ahead of its slot (running, not started) is not history
    // yet: it shows once it starts.
    let mut conditions = vec![NOT_CLAIMED_AHEAD.to_string()];
    if query.owner.is_some() {
        conditions.push("w.owner = ?".to_string());
    }
    if query.workflow_id.is_some() {
        conditions.push("r.workflow_id = ?".to_string());
    }
    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(", ");
        conditions.push(format!("r.status IN ({marks})"));
    }
    if query.since.is_some() {
        conditions.push("r.scheduled_for >= ?".to_string());
    }
    if query.until.is_some() {
        conditions.push("r.scheduled_for < ?".to_string());
    }
    if query.before.is_some() {
        conditions.push("(r.scheduled_for < ? OR (r.scheduled_for = ? AND r.id < ?))".to_string());
    }
    let filter = format!("WHERE {}", conditions.join(" AND "));
    let sql = crate::store::numbered(
        &format!(
            "SELECT {} FROM runs r JOIN workflows w ON w.id = r.workflow_id {filter} \
             ORDER BY r.scheduled_for DESC, r.id DESC LIMIT ?",
            COLUMNS
                .split(", ")
                .map(|c| format!("r.{c}"))
                .chain(std::iter::once("w.name AS workflow_name".to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        super::backend::pool_is_postgres(pool),
    );
    let mut select = sqlx::query_as::<_, Row>(&sql);
    if let Some(owner) = query.owner {
        select = select.bind(owner);
    }
    if let Some(id) = query.workflow_id {
        select = select.bind(id);
    }
    for status in &query.statuses {
        select = select.bind(status.as_str());
    }
    if let Some(since) = query.since {
        select = select.bind(to_ms(since));
    }
    if let Some(until) = query.until {
        select = select.bind(to_ms(until));
    }
    if let Some((at, id)) = query.before {
        select = select.bind(to_ms(at)).bind(to_ms(at)).bind(id);
    }
    select = select.bind(query.limit);
    let rows = select
        .fetch_all(pool)
        .await
        .ctx("reading the run history")?;
    rows.into_iter()
        .map(|mut row| {
            let name = row.workflow_name.take().unwrap_or_default();
            Ok((row.into_run()?, name))
        })
        .collect()
}

/// Runs since `since` with notices that could not be delivered, newest
/// first, each with its workflow's name.
pub async fn undelivered(
    pool: &AnyPool,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM runs WHERE delivery_errors IS NOT NULL AND scheduled_for >= $1 \
         ORDER BY scheduled_for DESC, id DESC LIMIT $2"
    ))
    .bind(to_ms(since))
    .bind(limit)
    .fetch_all(pool)
    .await
    .ctx("listing runs with undelivered notices")?;
    runs(rows)
}

/// Appends a notice that could not be delivered to the run's record
/// (`entry` is `{"at", "to", "notice", "error", "attempts"}`).
pub async fn record_delivery_error(
    pool: &AnyPool,
    run_id: i64,
    entry: &Value,
) -> Result<bool, StoreError> {
    let append = if super::backend::pool_is_postgres(pool) {
        "CAST(CAST(COALESCE(delivery_errors, '[]') AS jsonb) || jsonb_build_array(CAST($1 AS jsonb)) AS TEXT)"
    } else {
        "json_insert(COALESCE(delivery_errors, '[]'), '$[#]', json($1))"
    };
    let done = sqlx::query(&format!(
        "UPDATE runs SET delivery_errors = {append} WHERE id = $2"
    ))
    .bind(entry.to_string())
    .bind(run_id)
    .execute(pool)
    .await
    .ctx("recording an undelivered notice")?;
    Ok(done.rows_affected() == 1)
}
