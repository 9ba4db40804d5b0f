//! Pages of the `workflows` table for the REST API: filtered, in id order,
//! after a cursor. Beside `workflows.rs` (which reads its rows) to keep that
//! file to the statements the scheduler and the conversation use.

use sqlx::AnyPool;

use super::workflows::{workflows, Row, COLUMNS};
use super::{Context, StoreError};
use crate::workflow::{Workflow, WorkflowStatus};

/// Which workflows a page holds.
#[derive(Clone, Debug, Default)]
pub struct PageQuery<'a> {
    /// Only this owner's (`None`: everyone's).
    pub owner: Option<&'a str>,
    pub status: Option<WorkflowStatus>,
    /// Only those whose name contains this (case-insensitive).
    pub name_contains: Option<&'a str>,
    /// Only ids above this one (the previous page's last).
    pub after: Option<i64>,
    pub limit: i64,
}

/// Workflows matching `query`, oldest (lowest id) first.
pub async fn page(pool: &AnyPool, query: &PageQuery<'_>) -> Result<Vec<Workflow>, StoreError> {
    // LIKE with the pattern's own wildcards escaped, so "50%" means 50%.
    let pattern = query.name_contains.map(|text| {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    // Only the conditions asked for, so SQLite sees `owner = ?` and walks
    // the owner index in id order (`?1 IS NULL OR owner = ?1` would make it
    // scan every workflow from the cursor on).
    let mut conditions = vec!["id > ?"];
    if query.owner.is_some() {
        conditions.push("owner = ?");
    }
    if query.status.is_some() {
        conditions.push("status = ?");
    }
    if pattern.is_some() {
        conditions.push("lower(name) LIKE lower(?) ESCAPE '\\'");
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM workflows WHERE {} ORDER BY id LIMIT ?",
        conditions.join(" AND ")
    );
    let sql = crate::store::numbered(&sql, super::backend::pool_is_postgres(pool));
    let mut select = sqlx::query_as::<_, Row>(&sql).bind(query.after.unwrap_or(0));
    if let Some(owner) = query.owner {
        select = select.bind(owner);
    }
    if let Some(status) = query.status {
        select = select.bind(status.as_str());
    }
    if let Some(pattern) = pattern {
        select = select.bind(pattern);
    }
    let rows = select
        .bind(query.limit)
        .fetch_all(pool)
        .await
        .ctx("listing a page of workflows")?;
    workflows(rows)
}
