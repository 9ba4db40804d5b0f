//! The last ended run (latest slot) of each of a page of workflows (the dashboard's
//! "last result").

use chrono::{DateTime, Utc};
use sqlx::AnyPool;
use std::collections::HashMap;

use super::super::{from_ms, Context, StoreError};
use crate::workflow::RunStatus;

/// A workflow's last ended run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastRun {
    pub run_id: i64,
    pub status: RunStatus,
    pub ended_at: DateTime<Utc>,
}

/// The last ended run of each workflow of `ids` that has one (at most 100
/// ids: a page).
pub async fn last_ended(pool: &AnyPool, ids: &[i64]) -> Result<HashMap<i64, LastRun>, StoreError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(100) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = crate::store::numbered(
            &format!(
                // Each workflow's latest ended slot through the index on
                // (workflow_id, scheduled_for): a busy workflow's whole
                // history is not read (MAX(id) over it took 20 ms at 43,200 runs).
                "SELECT r.workflow_id, r.id, r.status, r.ended_at FROM runs r WHERE r.id IN \
                 (SELECT (SELECT l.id FROM runs l WHERE l.workflow_id = w.id AND l.ended_at IS NOT NULL \
                   ORDER BY l.scheduled_for DESC LIMIT 1) \
                  FROM workflows w WHERE w.id IN ({marks}))"
            ),
            crate::store::pool_is_postgres(pool),
        );
        let mut query = sqlx::query_as::<_, (i64, i64, String, i64)>(&sql).persistent(false);
        for id in chunk {
            query = query.bind(id);
        }
        let rows = query
            .fetch_all(pool)
            .await
            .ctx("reading workflows' last runs")?;
        for (workflow_id, run_id, status, ended_at) in rows {
            let status = status.parse().map_err(StoreError::Data)?;
            found.insert(
                workflow_id,
                LastRun {
                    run_id,
                    status,
                    ended_at: from_ms(ended_at),
                },
            );
        }
    }
    Ok(found)
}
