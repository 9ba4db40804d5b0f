//! Pages of the `workflows` table for the REST API: filtered, in id order,
//! after a cursor. Beside `workflows.rs` (which reads its rows) to keep that
//! file to the statements the scheduler and the conversation use.

use sqlx::SqlitePool;

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
pub async fn page(pool: &SqlitePool, query: &PageQuery<'_>) -> Result<Vec<Workflow>, StoreError> {
    // LIKE with the pattern's own wildcards escaped, so "50%" means 50%.
    let pattern = query.name_contains.map(|text| {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows \
         WHERE (?1 IS NULL OR owner = ?1) AND (?2 IS NULL OR status = ?2) \
         AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\') AND id > ?4 \
         ORDER BY id LIMIT ?5"
    ))
    .bind(query.owner)
    .bind(query.status.map(WorkflowStatus::as_str))
    .bind(pattern)
    .bind(query.after.unwrap_or(0))
    .bind(query.limit)
    .fetch_all(pool)
    .await
    .ctx("listing a page of workflows")?;
    workflows(rows)
}
