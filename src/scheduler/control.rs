//! Per-workflow control (DESIGN §4): pause with a note, resume without
//! replaying the paused period, skip the next occurrence, snooze one
//! occurrence, run now, answer an approval. Used by the admin CLI now and by
//! the chat tools later.

use chrono::{DateTime, TimeDelta, Utc};

use crate::store::{approvals, audit, runs, workflows, Store, StoreError};
use crate::workflow::{RunStatus, RunTrigger, Workflow, WorkflowStatus};

/// Why a control action did nothing.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("workflow #{0} was not found")]
    NotFound(i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

async fn load(store: &Store, id: i64) -> Result<Workflow, ControlError> {
    let mut conn = store.connection().await?;
    workflows::get(&mut conn, id)
        .await?
        .ok_or(ControlError::NotFound(id))
}

pub async fn pause(
    store: &Store,
    id: i64,
    note: Option<&str>,
    until: Option<DateTime<Utc>>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), ControlError> {
    if until.is_some_and(|at| at <= now) {
        return Err(ControlError::Invalid(
            "a pause has to end in the future".into(),
        ));
    }
    let workflow = load(store, id).await?;
    let mut tx = store.begin_write().await?;
    if !workflows::pause(&mut tx, id, note, until, now).await? {
        return Err(ControlError::Invalid(format!(
            "'{}' is {}, not active",
            workflow.name,
            workflow.status.as_str()
        )));
    }
    let detail = match (note, until) {
        (Some(note), Some(until)) => Some(format!("{note} (until {})", until.to_rfc3339())),
        (None, Some(until)) => Some(format!("until {}", until.to_rfc3339())),
        (note, None) => note.map(str::to_string),
    };
    audit::record(&mut tx, actor, Some(id), "pause", detail.as_deref(), now).await?;
    tx.commit().await.map_err(|source| StoreError::Sql {
        context: "committing a pause",
        source,
    })?;
    Ok(())
}

/// Resumes from the first slot after `now`; the paused period is not replayed.
pub async fn resume(
    store: &Store,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ControlError> {
    let workflow = load(store, id).await?;
    if workflow.status != WorkflowStatus::Paused {
        return Err(ControlError::Invalid(format!(
            "'{}' is not paused",
            workflow.name
        )));
    }
    let schedule = workflow
        .schedule
        .as_ref()
        .map_err(|e| ControlError::Invalid(format!("its schedule can't be read: {e}")))?;
    let next = schedule.next_after(now);
    let mut tx = store.begin_write().await?;
    workflows::resume(&mut tx, id, next, now).await?;
    audit::record(&mut tx, actor, Some(id), "resume", None, now).await?;
    tx.commit().await.map_err(|source| StoreError::Sql {
        context: "committing a resume",
        source,
    })?;
    Ok(next)
}

/// Skips the next occurrence; returns it.
pub async fn skip_next(
    store: &Store,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ControlError> {
    let workflow = load(store, id).await?;
    active_next(&workflow)?;
    // The next occurrence as it will really fire: when that is a snoozed
    // one, skipping it forgets the snooze and skips its slot.
    let next = workflow.effective_next().ok_or_else(|| {
        ControlError::Invalid(format!("'{}' has no next occurrence", workflow.name))
    })?;
    let snoozed = workflow.snooze_until == Some(next);
    let slot = match (snoozed, workflow.snooze_slot) {
        (true, Some(slot)) => slot,
        _ => next,
    };
    let mut tx = store.begin_write().await?;
    if snoozed {
        workflows::clear_snooze(&mut tx, id).await?;
    }
    workflows::set_skip_slot(&mut tx, id, Some(slot)).await?;
    audit::record(
        &mut tx,
        actor,
        Some(id),
        "skip-next",
        Some(&next.to_rfc3339()),
        now,
    )
    .await?;
    tx.commit().await.map_err(|source| StoreError::Sql {
        context: "committing a skip",
        source,
    })?;
    Ok(next)
}

/// Moves the next occurrence later by `by`; returns (the slot, its new time).
pub async fn snooze(
    store: &Store,
    id: i64,
    by: TimeDelta,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ControlError> {
    if by <= TimeDelta::zero() || by > TimeDelta::days(30) {
        return Err(ControlError::Invalid(
            "snooze by between 1 minute and 30 days".into(),
        ));
    }
    let workflow = load(store, id).await?;
    if let Some(pending) = workflow.snooze_until {
        return Err(ControlError::Invalid(format!(
            "'{}' already has an occurrence snoozed to {}; let it run first",
            workflow.name,
            pending.to_rfc3339()
        )));
    }
    let next = active_next(&workflow)?;
    let until = next + by;
    let mut tx = store.begin_write().await?;
    workflows::set_snooze(&mut tx, id, next, until).await?;
    audit::record(
        &mut tx,
        actor,
        Some(id),
        "snooze",
        Some(&format!("{next} -> {until}")),
        now,
    )
    .await?;
    tx.commit().await.map_err(|source| StoreError::Sql {
        context: "committing a snooze",
        source,
    })?;
    Ok((next, until))
}

fn active_next(workflow: &Workflow) -> Result<DateTime<Utc>, ControlError> {
    if workflow.status != WorkflowStatus::Active {
        return Err(ControlError::Invalid(format!(
            "'{}' is {}",
            workflow.name,
            workflow.status.as_str()
        )));
    }
    workflow
        .next_run
        .ok_or_else(|| ControlError::Invalid(format!("'{}' has no next occurrence", workflow.name)))
}

/// Records a run for now and returns it (leased to `node`) with its workflow;
/// the caller executes it.
pub async fn run_now(
    store: &Store,
    id: i64,
    node: &str,
    lease_until: DateTime<Utc>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<crate::scheduler::Claimed, ControlError> {
    let workflow = load(store, id).await?;
    let mut tx = store.begin_write().await?;
    let mut slot = now;
    let run_id = loop {
        let new = runs::NewRun {
            workflow_id: id,
            workflow_version: workflow.version,
            trigger: RunTrigger::Manual.as_str(),
            scheduled_for: slot,
            status: RunStatus::Running,
            input: None,
            error: None,
            lease: Some((node, lease_until)),
        };
        match runs::insert(&mut tx, &new, now).await? {
            Some(id) => break id,
            None => slot += TimeDelta::milliseconds(1),
        }
    };
    audit::record(&mut tx, actor, Some(id), "run-now", None, now).await?;
    let run = runs::get(&mut tx, run_id)
        .await?
        .ok_or(ControlError::NotFound(id))?;
    tx.commit().await.map_err(|source| StoreError::Sql {
        context: "committing a manual run",
        source,
    })?;
    Ok(crate::scheduler::Claimed {
        run,
        workflow,
        resumed: false,
    })
}

/// Answers the pending approval of a run.
pub async fn answer(
    store: &Store,
    run_id: i64,
    approve: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), ControlError> {
    if !approvals::answer(store.pool(), run_id, approve, by, now).await? {
        return Err(ControlError::Invalid(format!(
            "run {run_id} has no open approval request"
        )));
    }
    Ok(())
}
