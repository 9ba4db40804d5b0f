//! The schedule state of workflows: what is due, the next slot, skips and
//! snoozes, pauses and resumes, and the failure streak.

use super::*;

/// Active workflows whose next slot or snoozed occurrence has come, earliest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Workflow>, StoreError> {
    // On PostgreSQL the rows are locked, and rows another replica holds are
    // passed over rather than waited for.
    let lock = if crate::store::is_postgres(conn) {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    // Two indexed lookups joined, rather than one OR that scans the table.
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows WHERE id IN (\
           SELECT id FROM workflows WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= $1 \
           UNION SELECT id FROM workflows WHERE snooze_until IS NOT NULL AND snooze_until <= $1 AND status = 'active') \
         ORDER BY next_run LIMIT $2 {lock}"
    ))
    .bind(to_ms(now))
    .bind(limit)
    .fetch_all(conn)
    .await
    .ctx("loading due workflows")?;
    workflows(rows)
}

/// Paused workflows whose pause has ended ("pause it for a week").
pub async fn resumes_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Workflow>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows \
         WHERE resume_at IS NOT NULL AND resume_at <= $1 AND status = 'paused' ORDER BY resume_at"
    ))
    .bind(to_ms(now))
    .fetch_all(conn)
    .await
    .ctx("loading workflows whose pause ended")?;
    workflows(rows)
}

/// The earliest instants workflows want attention: a slot or a snoozed
/// occurrence of an active workflow (claimed ahead), and a pause ending
/// (handled at its time).
pub async fn next_wake(
    pool: &AnyPool,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), StoreError> {
    let (slot, resume): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT MIN(t) FROM (\
           SELECT MIN(next_run) AS t FROM workflows WHERE status = 'active' AND next_run IS NOT NULL \
           UNION ALL SELECT MIN(snooze_until) FROM workflows WHERE snooze_until IS NOT NULL AND status = 'active') AS slots), \
         (SELECT MIN(resume_at) FROM workflows WHERE resume_at IS NOT NULL AND status = 'paused')",
    )
    .fetch_one(pool)
    .await
    .ctx("finding the next workflow slot")?;
    Ok((opt_ms(slot), opt_ms(resume)))
}

/// Where a workflow stands when a run claimed ahead reaches its slot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub status: WorkflowStatus,
    pub version: i64,
    /// Its runs going (started, waiting or retrying; not those claimed ahead
    /// and not started) and queued.
    pub going: i64,
    pub queued: i64,
}

/// Which of the given workflows (id and the version a run was claimed
/// with) no longer stand as they did at the claim: deleted (`None`),
/// paused, changed, or with a run going or queued. A run claimed ahead of
/// its slot checks this at its slot. The usual answer is none, so the
/// statement returns only the exceptions: a batch of 10,000 runs is one
/// statement and one JSON parameter, with no row per workflow to carry.
pub async fn standing(
    pool: &AnyPool,
    claimed: &[(i64, i64)],
) -> Result<std::collections::HashMap<i64, Option<Standing>>, StoreError> {
    let mut found = std::collections::HashMap::new();
    if claimed.is_empty() {
        return Ok(found);
    }
    // Written as the partial indexes `runs_going` and `runs_queued` are.
    const GOING: &str =
        "FROM runs r WHERE r.workflow_id = w.id AND (r.status IN ('waiting', 'retrying') \
         OR (r.status = 'running' AND r.started_at IS NOT NULL))";
    const QUEUED: &str = "FROM runs r WHERE r.workflow_id = w.id AND r.status = 'queued'";
    let pairs = if crate::store::pool_is_postgres(pool) {
        "SELECT (value->>0)::bigint AS id, (value->>1)::bigint AS version \
         FROM json_array_elements($1::json)"
    } else {
        "SELECT value->>0 AS id, value->>1 AS version FROM json_each($1)"
    };
    let sql = format!(
        "SELECT c.id, w.status, w.version, (SELECT COUNT(*) {GOING}), (SELECT COUNT(*) {QUEUED}) \
         FROM ({pairs}) c LEFT JOIN workflows w ON w.id = c.id \
         WHERE w.id IS NULL OR w.status != 'active' OR w.version != c.version \
         OR EXISTS (SELECT 1 {GOING}) OR EXISTS (SELECT 1 {QUEUED})"
    );
    let json = serde_json::to_string(claimed).unwrap_or_else(|_| "[]".into());
    let rows = sqlx::query_as::<_, (i64, Option<String>, Option<i64>, i64, i64)>(&sql)
        .bind(json)
        .fetch_all(pool)
        .await
        .ctx("checking workflows before their runs start")?;
    for (id, status, version, going, queued) in rows {
        let standing = status.zip(version).map(|(status, version)| Standing {
            // A status this build does not know is not one to start runs in.
            status: WorkflowStatus::parse(&status).unwrap_or(WorkflowStatus::Paused),
            version,
            going,
            queued,
        });
        found.insert(id, standing);
    }
    Ok(found)
}

/// The scheduling state after a claim.
pub struct SlotState {
    pub next_run: Option<DateTime<Utc>>,
    pub skip_slot: Option<DateTime<Utc>>,
    pub snooze_slot: Option<DateTime<Utc>>,
    pub snooze_until: Option<DateTime<Utc>>,
    pub status: WorkflowStatus,
}

pub async fn set_slot_state(
    conn: &mut AnyConnection,
    id: i64,
    state: &SlotState,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE workflows SET next_run = $1, skip_slot = $2, snooze_slot = $3, snooze_until = $4, \
         status = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(state.next_run.map(to_ms))
    .bind(state.skip_slot.map(to_ms))
    .bind(state.snooze_slot.map(to_ms))
    .bind(state.snooze_until.map(to_ms))
    .bind(state.status.as_str())
    .bind(to_ms(now))
    .bind(id)
    .execute(conn)
    .await
    .ctx("updating a workflow's next slot")?;
    Ok(())
}

/// Writes the scheduling state of many workflows after a claim, with
/// multi-row statements.
pub async fn set_slot_states(
    conn: &mut AnyConnection,
    states: &[(i64, SlotState)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in states.chunks(150) {
        let values = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "UPDATE workflows SET next_run = v.column2, skip_slot = v.column3, snooze_slot = v.column4, \
             snooze_until = v.column5, status = v.column6, updated_at = ? \
             FROM (VALUES {values}) AS v WHERE workflows.id = v.column1"
        );
        let sql = crate::store::numbered(&sql, crate::store::is_postgres(conn));
        let mut query = sqlx::query(&sql)
            .persistent(chunk.len() == 150)
            .bind(to_ms(now));
        for (id, state) in chunk {
            query = query
                .bind(id)
                .bind(state.next_run.map(to_ms))
                .bind(state.skip_slot.map(to_ms))
                .bind(state.snooze_slot.map(to_ms))
                .bind(state.snooze_until.map(to_ms))
                .bind(state.status.as_str());
        }
        query
            .execute(&mut *conn)
            .await
            .ctx("updating workflows' next slots")?;
    }
    Ok(())
}

/// Pauses with a note; the paused period will not be replayed.
pub async fn pause(
    conn: &mut AnyConnection,
    id: i64,
    note: Option<&str>,
    resume_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE workflows SET status = 'paused', paused_note = $1, next_run = NULL, resume_at = $2, \
         snooze_slot = NULL, snooze_until = NULL, skip_slot = NULL, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND status = 'active'",
    )
    .bind(note)
    .bind(resume_at.map(to_ms))
    .bind(to_ms(now))
    .bind(id)
    .execute(&mut *conn)
    .await
    .ctx("pausing a workflow")?;
    if done.rows_affected() == 1 {
        // Runs still waiting their turn would replay the paused period.
        sqlx::query(
            "UPDATE runs SET status = 'skipped', ended_at = $1, retry_at = NULL, \
             error = 'skipped: the workflow was paused' \
             WHERE workflow_id = $2 AND status IN ('queued', 'retrying')",
        )
        .bind(to_ms(now))
        .bind(id)
        .execute(conn)
        .await
        .ctx("skipping the runs of a paused workflow")?;
    }
    Ok(done.rows_affected() == 1)
}

/// Gives slots claimed ahead back to their workflows (a process stopping
/// before their time): each active workflow's next slot moves back to the
/// earliest one, so the next claim, here or in another replica, takes it.
pub async fn rewind(
    conn: &mut AnyConnection,
    slots: &[(i64, DateTime<Utc>)],
) -> Result<(), StoreError> {
    for (id, slot) in slots {
        sqlx::query(
            "UPDATE workflows SET next_run = $1 \
             WHERE id = $2 AND status = 'active' AND (next_run IS NULL OR next_run > $1)",
        )
        .bind(to_ms(*slot))
        .bind(id)
        .execute(&mut *conn)
        .await
        .ctx("giving back a slot claimed ahead")?;
    }
    Ok(())
}

/// Resumes from `next_run` (the first slot after now), clearing the failure count.
pub async fn resume(
    conn: &mut AnyConnection,
    id: i64,
    next_run: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE workflows SET status = 'active', paused_note = NULL, next_run = $1, resume_at = NULL, \
         consecutive_failures = 0, version = version + 1, updated_at = $2 WHERE id = $3 AND status = 'paused'",
    )
    .bind(next_run.map(to_ms))
    .bind(to_ms(now))
    .bind(id)
    .execute(conn)
    .await
    .ctx("resuming a workflow")?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_skip_slot(
    conn: &mut AnyConnection,
    id: i64,
    slot: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE workflows SET skip_slot = $1 WHERE id = $2")
        .bind(slot.map(to_ms))
        .bind(id)
        .execute(conn)
        .await
        .ctx("marking a slot to skip")?;
    Ok(())
}

pub async fn set_snooze(
    conn: &mut AnyConnection,
    id: i64,
    slot: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE workflows SET snooze_slot = $1, snooze_until = $2 WHERE id = $3")
        .bind(to_ms(slot))
        .bind(to_ms(until))
        .bind(id)
        .execute(conn)
        .await
        .ctx("snoozing an occurrence")?;
    Ok(())
}

/// Forgets a snooze (the occurrence goes back to its own slot).
pub async fn clear_snooze(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE workflows SET snooze_slot = NULL, snooze_until = NULL WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .ctx("clearing a snooze")?;
    Ok(())
}

/// Counts a finished run: a failure adds one to the streak, a success resets it.
/// Returns the streak.
pub async fn record_outcome(
    conn: &mut AnyConnection,
    id: i64,
    failed: bool,
) -> Result<i64, StoreError> {
    let streak: Option<i64> = sqlx::query_scalar(
        "UPDATE workflows SET consecutive_failures = CASE WHEN $1 THEN consecutive_failures + 1 ELSE 0 END \
         WHERE id = $2 RETURNING consecutive_failures",
    )
    .bind(failed)
    .bind(id)
    .fetch_optional(conn)
    .await
    .ctx("counting a run outcome")?;
    Ok(streak.unwrap_or(0))
}
