//! One batch of the run log written in one transaction: run starts, step
//! results, successes (with the failure streak reset and the resume state
//! erased), their notices and conversations.

use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashMap;

use super::conversations;
use super::log_writer::{Op, StepRow, Success};
use super::outbox;
use super::{Context, StoreError};

/// Writes one batch in one transaction; returns the runs whose success was
/// recorded, with their notices' outbox rows.
pub(super) async fn write(
    pool: &AnyPool,
    ops: &[Op],
) -> Result<HashMap<i64, Option<i64>>, StoreError> {
    let mut tx = super::backend::begin_write(pool, "starting a run-log batch").await?;
    let mut starts: HashMap<i64, i64> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Started(id, at) => Some((*id, *at)),
            _ => None,
        })
        .collect();
    // A run that started and succeeded within the batch (most runs take
    // less than a commit's wait) has its start written with its end, in
    // one row update rather than two.
    let successes: Vec<(&Success, Option<i64>)> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Succeeded(success, _) => Some((success, starts.remove(&success.run_id))),
            _ => None,
        })
        .collect();
    write_starts(&mut tx, &starts).await?;
    write_steps(&mut tx, ops).await?;
    let mut recorded = write_successes(&mut tx, &successes).await?;
    // The notices of the successes recorded, in the order they came.
    for (success, _) in successes {
        if let (Some(notice), Some(row)) = (&success.notice, recorded.get_mut(&success.run_id)) {
            let now = super::from_ms(success.ended_at);
            *row = Some(outbox::insert(&mut *tx, notice, now).await?);
        }
    }
    for op in ops {
        if let Op::Conversation(conversation, now, _) = op {
            conversations::save(&mut *tx, conversation, *now).await?;
        }
    }
    tx.commit().await.ctx("committing a run-log batch")?;
    Ok(recorded)
}

/// The rows a multi-row statement is written with for `count` real rows,
/// the rest padding rows that match nothing: a tenth of `full`, or `full`.
/// So each statement here has two sizes, kept prepared on the one writer
/// connection; a statement of each batch's own size was prepared again in
/// every batch, which was 11 % of a burst's CPU (SQLite's parser, and the
/// completion trigger compiled into each `UPDATE runs`).
fn rows_for(count: usize, full: usize) -> usize {
    if count <= full / 10 {
        full / 10
    } else {
        full
    }
}

/// `count` rows of `row` for a VALUES list.
fn values(row: &str, count: usize) -> String {
    vec![row; count].join(", ")
}

/// Run starts, 200 to a statement.
async fn write_starts(
    tx: &mut Transaction<'_, Any>,
    starts: &HashMap<i64, i64>,
) -> Result<(), StoreError> {
    let started: Vec<(i64, i64)> = starts.iter().map(|(id, at)| (*id, *at)).collect();
    for chunk in started.chunks(200) {
        let rows = rows_for(chunk.len(), 200);
        let sql = format!(
            "UPDATE runs SET started_at = v.column2 FROM (VALUES {}) AS v WHERE runs.id = v.column1",
            values("(?, ?)", rows)
        );
        let sql = crate::store::numbered(&sql, super::is_postgres(tx));
        let mut query = sqlx::query(&sql);
        for (id, at) in chunk {
            query = query.bind(id).bind(at);
        }
        for _ in chunk.len()..rows {
            query = query.bind(None::<i64>).bind(None::<i64>);
        }
        query.execute(&mut **tx).await.ctx("writing run starts")?;
    }
    Ok(())
}

/// Step results, 100 to a statement; a step written again (it waited, then
/// went on) is updated.
async fn write_steps(tx: &mut Transaction<'_, Any>, ops: &[Op]) -> Result<(), StoreError> {
    let steps: Vec<&StepRow> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Step(row) => Some(row),
            _ => None,
        })
        .collect();
    for chunk in steps.chunks(100) {
        let rows = rows_for(chunk.len(), 100);
        // Padding rows have no run and are left out by the WHERE (which
        // SQLite also needs to read the ON CONFLICT after a SELECT).
        let sql = format!(
            "INSERT INTO run_steps (run_id, step_key, kind, status, output, resume, error, usage, started_at, ended_at) \
             SELECT * FROM (VALUES {}) AS v WHERE v.column1 IS NOT NULL \
             ON CONFLICT (run_id, step_key) DO UPDATE SET status = excluded.status, \
             output = excluded.output, resume = excluded.resume, error = excluded.error, usage = excluded.usage, \
             ended_at = excluded.ended_at",
            values("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        );
        let sql = crate::store::numbered(&sql, super::is_postgres(tx));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(row.run_id)
                .bind(&row.key)
                .bind(&row.kind)
                .bind(&row.status)
                .bind(&row.output)
                .bind(&row.resume)
                .bind(&row.error)
                .bind(&row.usage)
                .bind(row.started_at)
                .bind(row.ended_at);
        }
        for _ in chunk.len()..rows {
            query = query
                .bind(None::<i64>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<i64>)
                .bind(None::<i64>);
        }
        query.execute(&mut **tx).await.ctx("writing step results")?;
    }
    Ok(())
}

/// Successes of runs still this owner's, 100 to a statement, each with its
/// start when that is not written yet: their resume state goes and their
/// workflows' failure streaks reset. Returns the runs recorded.
async fn write_successes(
    tx: &mut Transaction<'_, Any>,
    successes: &[(&Success, Option<i64>)],
) -> Result<HashMap<i64, Option<i64>>, StoreError> {
    let mut recorded = HashMap::with_capacity(successes.len());
    for chunk in successes.chunks(100) {
        let rows = rows_for(chunk.len(), 100);
        let sql = format!(
            "UPDATE runs SET status = 'succeeded', ended_at = v.column2, output = v.column3, usage = v.column4, \
             started_at = COALESCE(v.column6, runs.started_at), lease_owner = NULL, lease_until = NULL \
             FROM (VALUES {}) AS v \
             WHERE runs.id = v.column1 AND runs.status = 'running' AND runs.lease_owner = v.column5 \
             RETURNING runs.id, runs.workflow_id",
            values("(?, ?, ?, ?, ?, CAST(? AS BIGINT))", rows)
        );
        let sql = crate::store::numbered(&sql, super::is_postgres(tx));
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
        for (s, started) in chunk {
            query = query
                .bind(s.run_id)
                .bind(s.ended_at)
                .bind(&s.output)
                .bind(&s.usage)
                .bind(&s.owner)
                .bind(started);
        }
        for _ in chunk.len()..rows {
            query = query
                .bind(None::<i64>)
                .bind(None::<i64>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<i64>);
        }
        let done = query
            .fetch_all(&mut **tx)
            .await
            .ctx("writing run results")?;
        let workflows: Vec<i64> = done.iter().map(|(_, w)| *w).collect();
        let ended: Vec<i64> = done.iter().map(|(id, _)| *id).collect();
        for (id, _) in done {
            recorded.insert(id, None);
        }
        if !ended.is_empty() {
            // A finished run resumes no more: its unmasked state goes.
            by_ids(
                tx,
                "UPDATE run_steps SET resume = NULL WHERE resume IS NOT NULL AND run_id IN",
                &ended,
            )
            .await
            .ctx("erasing resume state")?;
        }
        if !workflows.is_empty() {
            by_ids(
                tx,
                "UPDATE workflows SET consecutive_failures = 0 WHERE consecutive_failures != 0 AND id IN",
                &workflows,
            )
            .await
            .ctx("resetting failure streaks")?;
        }
    }
    Ok(recorded)
}

/// `sql`, ending in `IN`, for the ids `ids` (at most 100), padded with
/// NULLs as [`rows_for`] says (an id is never NULL, so they match nothing).
async fn by_ids(
    tx: &mut Transaction<'_, Any>,
    sql: &str,
    ids: &[i64],
) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
    let rows = rows_for(ids.len(), 100);
    let sql = format!("{sql} ({})", values("?", rows));
    let sql = crate::store::numbered(&sql, super::is_postgres(tx));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    for _ in ids.len()..rows {
        query = query.bind(None::<i64>);
    }
    query.execute(&mut **tx).await
}
