//! Runs while they go: live counts, leases and their renewal, start, finish,
//! waiting, retries, and the next wake-up they call for.

use super::*;

/// For every workflow with live runs: how many are going and how many queued.
pub async fn live_counts_all(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<i64, (i64, i64)>, StoreError> {
    // SQLite is told which index; PostgreSQL's planner picks it.
    let hint = if crate::store::is_postgres(conn) {
        ""
    } else {
        "INDEXED BY runs_live"
    };
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT workflow_id, COUNT(CASE WHEN status IN ('running', 'waiting', 'retrying') THEN 1 END), \
         COUNT(CASE WHEN status = 'queued' THEN 1 END) \
         FROM runs {hint} WHERE status IN ('queued', 'running', 'waiting', 'retrying') \
         GROUP BY workflow_id"
    ))
    .fetch_all(conn)
    .await
    .ctx("counting live runs")?;
    Ok(rows
        .into_iter()
        .map(|(id, going, queued)| (id, (going, queued)))
        .collect())
}

/// How many runs of a workflow are going (running or waiting) and queued.
pub async fn live_counts(
    conn: &mut AnyConnection,
    workflow_id: i64,
) -> Result<(i64, i64), StoreError> {
    let (going, queued): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(CASE WHEN status IN ('running', 'waiting', 'retrying') THEN 1 END), \
         COUNT(CASE WHEN status = 'queued' THEN 1 END) FROM runs \
         WHERE workflow_id = $1 AND status IN ('running', 'waiting', 'retrying', 'queued')",
    )
    .bind(workflow_id)
    .fetch_one(conn)
    .await
    .ctx("counting live runs")?;
    Ok((going, queued))
}

/// Runs whose process stopped renewing their lease: marked `interrupted` and
/// returned so their retry policy can decide.
pub async fn expire_leases(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "UPDATE runs SET status = 'interrupted', ended_at = $1, lease_owner = NULL, lease_until = NULL, \
         error = 'interrupted: the process running it stopped (crash, kill or shutdown) before it finished' \
         WHERE status = 'running' AND lease_until < $1 RETURNING {COLUMNS}"
    ))
    .bind(to_ms(now))
    .fetch_all(conn)
    .await
    .ctx("expiring run leases")?;
    runs(rows)
}

/// Marks a process's own running runs interrupted (graceful shutdown past its
/// grace period) and returns them, so their retry policy can decide.
pub async fn interrupt_owned(
    conn: &mut AnyConnection,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "UPDATE runs SET status = 'interrupted', ended_at = $1, lease_owner = NULL, lease_until = NULL, \
         error = 'interrupted: steward shut down before the run finished' \
         WHERE status = 'running' AND lease_owner = $2 RETURNING {COLUMNS}"
    ))
    .bind(to_ms(now))
    .bind(owner)
    .fetch_all(conn)
    .await
    .ctx("interrupting runs at shutdown")?;
    runs(rows)
}

/// Takes back runs `owner` claimed ahead of their slots and never started
/// (their workflow was paused or deleted before the slot): a paused
/// workflow's slots leave no run, as when the pause came first.
pub async fn withdraw(
    conn: &mut AnyConnection,
    owner: &str,
    ids: &[i64],
) -> Result<u64, StoreError> {
    let postgres = crate::store::is_postgres(conn);
    let mut withdrawn = 0;
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = crate::store::numbered(
            &format!(
                "DELETE FROM runs WHERE status = 'running' AND started_at IS NULL \
                 AND lease_owner = ? AND id IN ({marks})"
            ),
            postgres,
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 500).bind(owner);
        for id in chunk {
            query = query.bind(id);
        }
        withdrawn += query
            .execute(&mut *conn)
            .await
            .ctx("withdrawing runs claimed ahead")?
            .rows_affected();
    }
    Ok(withdrawn)
}

/// Settles a run claimed ahead and not started as skipped or queued (the
/// overlap policy, at its slot, found a run of its workflow still going).
pub async fn settle_unstarted(
    conn: &mut AnyConnection,
    owner: &str,
    id: i64,
    status: RunStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE runs SET status = $1, error = $2, ended_at = $3, lease_owner = NULL, lease_until = NULL \
         WHERE id = $4 AND status = 'running' AND started_at IS NULL AND lease_owner = $5",
    )
    .bind(status.as_str())
    .bind(error)
    .bind(status.is_final().then(|| to_ms(now)))
    .bind(id)
    .bind(owner)
    .execute(conn)
    .await
    .ctx("settling a run claimed ahead")?;
    Ok(done.rows_affected() == 1)
}

/// Takes a queued, retrying or waiting run to `running` under `owner`'s lease.
pub async fn start(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE runs SET status = 'running', retry_at = NULL, started_at = COALESCE(started_at, $1), \
         lease_owner = $2, lease_until = $3 WHERE id = $4 AND status IN ('queued', 'retrying', 'waiting')",
    )
    .bind(to_ms(now))
    .bind(owner)
    .bind(to_ms(lease_until))
    .bind(id)
    .execute(conn)
    .await
    .ctx("starting a run")?;
    Ok(done.rows_affected() == 1)
}

/// Extends the leases of the given runs, which this process holds (claimed,
/// waiting for a slot, or executing). Runs it lost track of (a failed write,
/// a panicked task) are not in the list, so their leases run out.
pub async fn renew_leases(
    conn: &mut AnyConnection,
    owner: &str,
    ids: &[i64],
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "UPDATE runs SET lease_until = ? WHERE status = 'running' AND lease_owner = ? AND id IN ({marks})"
        );
        let sql = crate::store::numbered(&sql, crate::store::is_postgres(conn));
        let mut query = sqlx::query(&sql)
            .persistent(chunk.len() == 500)
            .bind(to_ms(until))
            .bind(owner);
        for id in chunk {
            query = query.bind(id);
        }
        query.execute(&mut *conn).await.ctx("renewing run leases")?;
    }
    Ok(())
}

/// The end of a run this process holds. `false` if the lease was lost (the
/// run was declared interrupted meanwhile), so the result is not written twice.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    status: RunStatus,
    output: Option<&Value>,
    error: Option<&str>,
    usage: &Usage,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE runs SET status = $1, ended_at = $2, output = $3, error = $4, usage = $5, \
         lease_owner = NULL, lease_until = NULL WHERE id = $6 AND status = 'running' AND lease_owner = $7",
    )
    .bind(status.as_str())
    .bind(to_ms(now))
    .bind(output.map(Value::to_string))
    .bind(error)
    .bind(serde_json::to_string(usage).unwrap_or_default())
    .bind(id)
    .bind(owner)
    .execute(&mut *conn)
    .await
    .ctx("recording a run's result")?;
    if status.is_final() {
        // A finished run resumes no more: its unmasked state goes.
        sqlx::query("UPDATE run_steps SET resume = NULL WHERE run_id = $1 AND resume IS NOT NULL")
            .bind(id)
            .execute(conn)
            .await
            .ctx("erasing resume state")?;
    }
    Ok(done.rows_affected() == 1)
}

/// A run waiting for a person: the lease is released until the answer comes.
pub async fn wait(conn: &mut AnyConnection, id: i64, owner: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE runs SET status = 'waiting', lease_owner = NULL, lease_until = NULL \
         WHERE id = $1 AND status = 'running' AND lease_owner = $2",
    )
    .bind(id)
    .bind(owner)
    .execute(conn)
    .await
    .ctx("parking a run for approval")?;
    Ok(done.rows_affected() == 1)
}

/// Sets a failed or interrupted run to try again at `retry_at`, keeping the
/// failed attempt in its history. `holder` is the process that ran it (the run
/// must still be its `running` run); `None` takes a run just marked
/// `interrupted`. `false` when the run is no longer in that state (its lease
/// was lost and someone else decided), so nothing is revived twice.
pub async fn retry_later(
    conn: &mut AnyConnection,
    id: i64,
    holder: Option<&str>,
    retry_at: DateTime<Utc>,
    failed_status: RunStatus,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let history = if crate::store::is_postgres(conn) {
        "CAST(CAST(history AS jsonb) || jsonb_build_array(jsonb_build_object('attempt', attempt, \
           'status', CAST($2 AS TEXT), 'error', CAST($3 AS TEXT), 'started_at', started_at, 'ended_at', $4)) AS TEXT)"
    } else {
        "json_insert(history, '$[#]', json_object('attempt', attempt, 'status', $2, 'error', $3, \
           'started_at', started_at, 'ended_at', $4))"
    };
    let done = sqlx::query(&format!(
        "UPDATE runs SET status = 'retrying', retry_at = $1, attempt = attempt + 1, history = {history}, \
         ended_at = NULL, error = NULL, output = NULL, lease_owner = NULL, lease_until = NULL \
         WHERE id = $5 AND (($6 IS NULL AND status = 'interrupted') OR (status = 'running' AND lease_owner = $6))"
    ))
    .bind(to_ms(retry_at))
    .bind(failed_status.as_str())
    .bind(error)
    .bind(to_ms(now))
    .bind(id)
    .bind(holder)
    .execute(conn)
    .await
    .ctx("scheduling a retry")?;
    Ok(done.rows_affected() == 1)
}

/// Retrying runs whose time has come.
pub async fn due_retries(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM runs WHERE status = 'retrying' AND retry_at <= $1 \
         AND EXISTS (SELECT 1 FROM workflows w WHERE w.id = runs.workflow_id AND w.status = 'active') \
         ORDER BY retry_at"
    ))
    .bind(to_ms(now))
    .fetch_all(conn)
    .await
    .ctx("loading due retries")?;
    runs(rows)
}

/// The oldest queued run of each workflow that has nothing going.
pub async fn startable_queued(conn: &mut AnyConnection) -> Result<Vec<Run>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM runs WHERE id IN (\
           SELECT MIN(q.id) FROM runs q WHERE q.status = 'queued' \
           AND EXISTS (SELECT 1 FROM workflows w WHERE w.id = q.workflow_id AND w.status = 'active') \
           AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.workflow_id = q.workflow_id \
                           AND r.status IN ('running', 'waiting', 'retrying')) \
           GROUP BY q.workflow_id)"
    ))
    .fetch_all(conn)
    .await
    .ctx("loading queued runs")?;
    runs(rows)
}

/// The earliest retry or lease expiry.
pub async fn next_wake(pool: &AnyPool) -> Result<Option<DateTime<Utc>>, StoreError> {
    let ms: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(t) FROM (\
           SELECT MIN(retry_at) AS t FROM runs WHERE status = 'retrying' \
           UNION ALL SELECT MIN(lease_until) FROM runs WHERE status = 'running') AS wake",
    )
    .fetch_one(pool)
    .await
    .ctx("finding the next retry or lease expiry")?;
    Ok(opt_ms(ms))
}
