//! Pages of the `audit` table for the REST API's `/audit`: newest first,
//! filtered by workflow, actor and period, after a cursor (an entry id).

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::{from_ms, to_ms, Context, StoreError};

/// One audit entry as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub workflow_id: Option<i64>,
    pub action: String,
    pub detail: Option<String>,
}

/// A row as selected: id, at, actor, workflow, action, detail.
type Row = (i64, i64, String, Option<i64>, String, Option<String>);

/// Which entries a page holds.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery<'a> {
    pub workflow_id: Option<i64>,
    pub actor: Option<&'a str>,
    /// Entries in `[since, until)`.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only ids below this one (the previous page's last).
    pub before: Option<i64>,
    pub limit: i64,
}

/// Entries matching `query`, newest (highest id) first.
pub async fn page(pool: &AnyPool, query: &AuditQuery<'_>) -> Result<Vec<AuditEntry>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, workflow_id, action, detail FROM audit \
         WHERE ($1 IS NULL OR workflow_id = $1) AND ($2 IS NULL OR actor = $2) \
         AND ($3 IS NULL OR at >= $3) AND ($4 IS NULL OR at < $4) \
         AND ($5 IS NULL OR id < $5) \
         ORDER BY id DESC LIMIT $6",
    )
    .bind(query.workflow_id)
    .bind(query.actor)
    .bind(query.since.map(to_ms))
    .bind(query.until.map(to_ms))
    .bind(query.before)
    .bind(query.limit)
    .fetch_all(pool)
    .await
    .ctx("reading a page of the audit log")?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, workflow_id, action, detail)| AuditEntry {
            id,
            at: from_ms(at),
            actor,
            workflow_id,
            action,
            detail,
        })
        .collect())
}
