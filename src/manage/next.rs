//! The next occurrence only: skip it, or move it later (snooze); the ones
//! after keep their times.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::{self, audit, workflows};
use crate::workflow::{Workflow, WorkflowStatus};

impl Manager {
    /// Skips the next occurrence of workflow `id`; returns it.
    pub async fn skip_next(&self, actor: &Actor, id: i64) -> Result<DateTime<Utc>, ManageError> {
        let now = self.now();
        let workflow = self.workflow(actor, id).await?;
        active_next(&workflow)?;
        // The next occurrence as it will really fire: when that is a snoozed
        // one, skipping it forgets the snooze and skips its slot.
        let next = workflow.effective_next().ok_or_else(|| {
            ManageError::Invalid(format!("'{}' has no next occurrence", workflow.name))
        })?;
        let snoozed = workflow.snooze_until == Some(next);
        let slot = match (snoozed, workflow.snooze_slot) {
            (true, Some(slot)) => slot,
            _ => next,
        };
        let mut tx = self.store.begin_write().await?;
        if snoozed {
            workflows::clear_snooze(&mut tx, id).await?;
        }
        workflows::set_skip_slot(&mut tx, id, Some(slot)).await?;
        let detail = next.to_rfc3339();
        audit::record(
            &mut tx,
            &actor.id,
            Some(id),
            "skip-next",
            Some(&detail),
            now,
        )
        .await?;
        store::commit(tx, "committing a skip").await?;
        self.runner.changed();
        Ok(next)
    }

    /// Moves the next occurrence of workflow `id` later by `by`; returns
    /// (the slot, its new time).
    pub async fn snooze(
        &self,
        actor: &Actor,
        id: i64,
        by: TimeDelta,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), ManageError> {
        let now = self.now();
        if by <= TimeDelta::zero() || by > TimeDelta::days(30) {
            return Err(ManageError::Invalid(
                "snooze by between 1 minute and 30 days".into(),
            ));
        }
        let workflow = self.workflow(actor, id).await?;
        if let Some(pending) = workflow.snooze_until {
            return Err(ManageError::Invalid(format!(
                "'{}' already has an occurrence snoozed to {}; let it run first",
                workflow.name,
                pending.to_rfc3339()
            )));
        }
        let next = active_next(&workflow)?;
        let until = next + by;
        let mut tx = self.store.begin_write().await?;
        workflows::set_snooze(&mut tx, id, next, until).await?;
        let detail = format!("{next} -> {until}");
        audit::record(&mut tx, &actor.id, Some(id), "snooze", Some(&detail), now).await?;
        store::commit(tx, "committing a snooze").await?;
        self.runner.changed();
        Ok((next, until))
    }
}

fn active_next(workflow: &Workflow) -> Result<DateTime<Utc>, ManageError> {
    if workflow.status != WorkflowStatus::Active {
        return Err(ManageError::Invalid(format!(
            "'{}' is {}",
            workflow.name,
            workflow.status.as_str()
        )));
    }
    workflow
        .next_run
        .ok_or_else(|| ManageError::Invalid(format!("'{}' has no next occurrence", workflow.name)))
}
