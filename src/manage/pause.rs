//! Pausing with a note and an optional end, and resuming without replaying
//! the paused period (DESIGN §4).

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::{self, audit, workflows};
use crate::workflow::WorkflowStatus;

impl Manager {
    /// Pauses workflow `id`; with `until`, it resumes on its own then.
    pub async fn pause(
        &self,
        actor: &Actor,
        id: i64,
        note: Option<&str>,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), ManageError> {
        let now = self.now();
        if until.is_some_and(|at| at <= now) {
            return Err(ManageError::Invalid(
                "a pause has to end in the future".into(),
            ));
        }
        let workflow = self.workflow(actor, id).await?;
        let mut tx = self.store.begin_write().await?;
        if !workflows::pause(&mut tx, id, note, until, now).await? {
            return Err(ManageError::Invalid(format!(
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
        audit::record(
            &mut tx,
            &actor.id,
            Some(id),
            "pause",
            detail.as_deref(),
            now,
        )
        .await?;
        store::commit(tx, "committing a pause").await?;
        self.runner.changed();
        Ok(())
    }

    /// Resumes workflow `id` from its first slot after now; returns that slot.
    pub async fn resume(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Option<DateTime<Utc>>, ManageError> {
        let now = self.now();
        let workflow = self.workflow(actor, id).await?;
        if workflow.status != WorkflowStatus::Paused {
            return Err(ManageError::Invalid(format!(
                "'{}' is not paused",
                workflow.name
            )));
        }
        let schedule = workflow
            .schedule
            .as_ref()
            .map_err(|e| ManageError::Invalid(format!("its schedule can't be read: {e}")))?;
        let next = schedule.next_after(now);
        let pace = if actor.owns_as_admin(&workflow.owner) {
            Ok(schedule.pace(now))
        } else {
            let mut conn = self.store.connection().await?;
            let (owner, name) = (&workflow.owner, &workflow.name);
            self.within_pace(&mut conn, owner, name, schedule, Some(id))
                .await
        };
        if pace.is_err() {
            self.flush_hits().await;
        }
        let pace = pace?;
        let mut tx = self.store.begin_write().await?;
        workflows::resume(&mut tx, id, next, now).await?;
        workflows::set_runs_per_hour(&mut tx, id, pace.busiest_hour).await?;
        audit::record(&mut tx, &actor.id, Some(id), "resume", None, now).await?;
        store::commit(tx, "committing a resume").await?;
        self.runner.changed();
        Ok(next)
    }
}
