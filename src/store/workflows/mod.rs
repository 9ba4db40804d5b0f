//! `workflows` table.

mod followers;
mod slots;

pub use followers::*;
pub use slots::*;

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};
use std::collections::BTreeMap;

use super::sealed::{self, Whole};
use super::{from_ms, opt_ms, to_ms, Context, StoreError};
use crate::workflow::{NewWorkflow, Workflow, WorkflowStatus};

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: i64,
    owner: String,
    home_chat: Option<String>,
    name: String,
    instruction: Option<String>,
    plan: String,
    trigger_kind: String,
    trigger_expression: String,
    trigger_anchor: Option<i64>,
    timezone: String,
    policies: String,
    guardrails: String,
    placeholders: String,
    status: String,
    paused_note: Option<String>,
    next_run: Option<i64>,
    skip_slot: Option<i64>,
    snooze_slot: Option<i64>,
    snooze_until: Option<i64>,
    resume_at: Option<i64>,
    consecutive_failures: i64,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

pub(super) const COLUMNS: &str =
    "id, owner, home_chat, name, instruction, plan, trigger_kind, trigger_expression, \
    trigger_anchor, timezone, policies, guardrails, placeholders, status, paused_note, next_run, \
    skip_slot, snooze_slot, snooze_until, resume_at, consecutive_failures, version, created_at, updated_at";

impl Row {
    /// Stored JSON that no longer reads (written by another version) falls back
    /// to defaults here and fails the run that needs it, never the loader.
    /// Encrypted values that do not open fail the loader: never ciphertext
    /// passed on as a plan.
    fn into_workflow(self) -> Result<Workflow, StoreError> {
        let plan = sealed::open(self.plan, "a workflow's plan")?;
        let instruction = sealed::open_opt(self.instruction, "a workflow's instruction")?;
        let placeholders = sealed::open(self.placeholders, "a workflow's placeholders")?;
        let schedule = super::schedule_cache::schedule(
            &self.trigger_kind,
            &self.trigger_expression,
            &self.timezone,
            opt_ms(self.trigger_anchor),
        );
        Ok(Workflow {
            id: self.id,
            owner: self.owner,
            home_chat: self.home_chat,
            name: self.name,
            instruction,
            plan_json: plan,
            schedule,
            trigger_kind: self.trigger_kind,
            trigger_expression: self.trigger_expression,
            timezone: self.timezone,
            policies: serde_json::from_str(&self.policies).unwrap_or_default(),
            guardrails: serde_json::from_str(&self.guardrails).unwrap_or_default(),
            placeholders: serde_json::from_str::<BTreeMap<String, String>>(&placeholders)
                .unwrap_or_default(),
            status: WorkflowStatus::parse(&self.status).unwrap_or(WorkflowStatus::Paused),
            paused_note: self.paused_note,
            next_run: opt_ms(self.next_run),
            skip_slot: opt_ms(self.skip_slot),
            snooze_slot: opt_ms(self.snooze_slot),
            snooze_until: opt_ms(self.snooze_until),
            resume_at: opt_ms(self.resume_at),
            consecutive_failures: self.consecutive_failures,
            version: self.version,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
        })
    }
}

/// Rows to workflows, the first that does not open failing all.
pub(super) fn workflows(rows: Vec<Row>) -> Result<Vec<Workflow>, StoreError> {
    rows.into_iter().map(Row::into_workflow).collect()
}

/// How many workflows `owner` has that are not completed (active or
/// paused): what the workflow quota counts.
pub async fn count_kept(conn: &mut AnyConnection, owner: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM workflows WHERE owner = $1 AND status IN ('active', 'paused')",
    )
    .bind(owner.trim())
    .fetch_one(conn)
    .await
    .ctx("counting a person's workflows")
}

/// Active workflows whose next run is at or before `now`: the due backlog.
pub async fn count_due(pool: &AnyPool, now: DateTime<Utc>) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM workflows WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= $1",
    )
    .bind(to_ms(now))
    .fetch_one(pool)
    .await
    .ctx("counting due workflows")
}

/// The earliest next run of an active workflow at or before `now`: how far
/// the scheduler is behind, when something is due and not claimed.
pub async fn oldest_due(
    pool: &AnyPool,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let ms: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(next_run) FROM workflows WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= $1",
    )
    .bind(to_ms(now))
    .fetch_one(pool)
    .await
    .ctx("finding the oldest due workflow")?;
    Ok(ms.map(from_ms))
}

/// Records workflow `id`'s busiest hour (`schedule::Pace`).
pub async fn set_runs_per_hour(
    conn: &mut AnyConnection,
    id: i64,
    runs: u32,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE workflows SET runs_per_hour = $1 WHERE id = $2")
        .bind(i64::from(runs))
        .bind(id)
        .execute(conn)
        .await
        .ctx("recording a workflow's busiest hour")?;
    Ok(())
}

/// The busiest hours of `owner`'s active workflows but `except`, added up,
/// and the ids of those not measured yet.
pub async fn runs_per_hour(
    conn: &mut AnyConnection,
    owner: &str,
    except: Option<i64>,
) -> Result<(i64, Vec<i64>), StoreError> {
    let (owner, except) = (owner.trim(), except.unwrap_or(-1));
    let measured: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(runs_per_hour), 0) AS BIGINT) FROM workflows \
         WHERE owner = $1 AND status = 'active' AND id != $2",
    )
    .bind(owner)
    .bind(except)
    .fetch_one(&mut *conn)
    .await
    .ctx("adding up a person's busiest hours")?;
    let unmeasured: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM workflows \
         WHERE owner = $1 AND status = 'active' AND id != $2 AND runs_per_hour IS NULL",
    )
    .bind(owner)
    .bind(except)
    .fetch_all(conn)
    .await
    .ctx("finding a person's unmeasured workflows")?;
    Ok((measured, unmeasured))
}

/// Stores a validated definition; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewWorkflow,
    next_run: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let d = &new.definition;
    let status = if d.paused { "paused" } else { "active" };
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO workflows (owner, home_chat, name, instruction, plan, trigger_kind, \
         trigger_expression, trigger_anchor, timezone, policies, guardrails, placeholders, status, \
         next_run, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(d.owner.trim())
    .bind(&d.home_chat)
    .bind(d.name.trim())
    .bind(d.instruction.as_deref().map(sealed::text))
    .bind(sealed::json(&new.plan_json, Whole::SecretFields))
    .bind(new.schedule.kind())
    .bind(new.schedule.expression())
    .bind(new.schedule.anchor().map(to_ms))
    .bind(new.schedule.zone.name())
    .bind(to_json(&d.policies))
    .bind(to_json(&d.guardrails))
    .bind(sealed::json(&to_json(&d.placeholders), Whole::EveryString))
    .bind(status)
    .bind(if d.paused { None } else { next_run.map(to_ms) })
    .bind(to_ms(now))
    .bind(to_ms(now))
    .fetch_one(conn)
    .await
    .ctx("inserting a workflow")?;
    Ok(id)
}

/// Stores a workflow with a raw plan and trigger, unchecked (for tests and
/// repairs: the scheduler must survive whatever is in the table).
#[allow(clippy::too_many_arguments)]
pub async fn insert_raw(
    pool: &AnyPool,
    owner: &str,
    name: &str,
    plan: &str,
    trigger_kind: &str,
    trigger_expression: &str,
    timezone: &str,
    next_run: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO workflows (owner, name, plan, trigger_kind, trigger_expression, timezone, \
         next_run, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(owner)
    .bind(name)
    .bind(plan)
    .bind(trigger_kind)
    .bind(trigger_expression)
    .bind(timezone)
    .bind(next_run.map(to_ms))
    .bind(to_ms(now))
    .bind(to_ms(now))
    .fetch_one(pool)
    .await
    .ctx("inserting a raw workflow")
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Workflow>, StoreError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM workflows WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await
            .ctx("loading a workflow")?;
    row.map(Row::into_workflow).transpose()
}

/// A workflow of `owner` by exact name (case-insensitive).
pub async fn find_by_name(
    conn: &mut AnyConnection,
    owner: &str,
    name: &str,
) -> Result<Option<Workflow>, StoreError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows WHERE owner = $1 AND lower(name) = lower($2) ORDER BY id LIMIT 1"
    ))
    .bind(owner)
    .bind(name)
    .fetch_optional(conn)
    .await
    .ctx("finding a workflow by name")?;
    row.map(Row::into_workflow).transpose()
}

/// `owner`'s workflows and those whose home chat is `managed` or, when it
/// ends in ':', starts with it (a server's channels, for a member who
/// manages it), oldest first.
pub async fn list_managed(
    pool: &AnyPool,
    owner: &str,
    home_prefix: &str,
) -> Result<Vec<Workflow>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workflows \
         WHERE owner = $1 OR home_chat = $2 \
         OR (substr($2, length($2)) = ':' AND substr(home_chat, 1, length($2)) = $2) ORDER BY id"
    ))
    .bind(owner)
    .bind(home_prefix)
    .fetch_all(pool)
    .await
    .ctx("listing managed workflows")?;
    workflows(rows)
}

/// All workflows, or one owner's, oldest first.
pub async fn list(pool: &AnyPool, owner: Option<&str>) -> Result<Vec<Workflow>, StoreError> {
    let rows: Vec<Row> = match owner {
        Some(owner) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM workflows WHERE owner = $1 ORDER BY id"
            ))
            .bind(owner)
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM workflows ORDER BY id"))
                .fetch_all(pool)
                .await
        }
    }
    .ctx("listing workflows")?;
    workflows(rows)
}

/// Replaces a workflow's definition (name, instruction, plan, trigger, zone,
/// guardrails) with a checked one; the version goes up and an active
/// workflow's next slot follows the new trigger. Returns whether it existed.
pub async fn replace_definition(
    conn: &mut AnyConnection,
    id: i64,
    new: &NewWorkflow,
    next_run: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let d = &new.definition;
    let done = sqlx::query(
        "UPDATE workflows SET name = $1, instruction = $2, plan = $3, trigger_kind = $4, \
         trigger_expression = $5, trigger_anchor = $6, timezone = $7, guardrails = $8, \
         status = CASE WHEN status = 'completed' AND $9 IS NOT NULL THEN 'active' ELSE status END, \
         next_run = CASE WHEN status IN ('active', 'completed') THEN $9 ELSE next_run END, \
         skip_slot = NULL, snooze_slot = NULL, snooze_until = NULL, \
         version = version + 1, updated_at = $10 WHERE id = $11",
    )
    .bind(d.name.trim())
    .bind(d.instruction.as_deref().map(sealed::text))
    .bind(sealed::json(&new.plan_json, Whole::SecretFields))
    .bind(new.schedule.kind())
    .bind(new.schedule.expression())
    .bind(new.schedule.anchor().map(to_ms))
    .bind(new.schedule.zone.name())
    .bind(to_json(&d.guardrails))
    .bind(next_run.map(to_ms))
    .bind(to_ms(now))
    .bind(id)
    .execute(conn)
    .await
    .ctx("updating a workflow")?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM workflows WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .ctx("deleting a workflow")?;
    Ok(done.rows_affected() == 1)
}

/// JSON for a TEXT column.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
}

/// Sets what [`replace_definition`] leaves alone: the home chat, the
/// policies and the placeholder values (sealed as on insert).
pub async fn set_settings(
    conn: &mut AnyConnection,
    id: i64,
    definition: &crate::workflow::Definition,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE workflows SET home_chat = $1, policies = $2, placeholders = $3 WHERE id = $4",
    )
    .bind(&definition.home_chat)
    .bind(to_json(&definition.policies))
    .bind(sealed::json(
        &to_json(&definition.placeholders),
        Whole::EveryString,
    ))
    .bind(id)
    .execute(conn)
    .await
    .ctx("updating a workflow's settings")?;
    Ok(())
}
