//! Cancelling a run from any surface: checked like every run a person may
//! see, audited, and written to the store, where the process executing the
//! run (this one or another) reads it within about a second.

use std::time::Duration;

use super::{Actor, ManageError, Manager};
use crate::store::runs::{self, Cancel};
use crate::store::{self, audit};
use crate::workflow::Run;

/// How long a cancel waits for an executing run to stop before answering.
const STOP_WAIT: Duration = Duration::from_secs(3);

impl Manager {
    /// Cancels run `run_id`; returns it as stored then (`cancelled`, or
    /// still `running` if its process had not stopped it within 3 s).
    pub async fn cancel_run(&self, actor: &Actor, run_id: i64) -> Result<Run, ManageError> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let (run, _) = super::run_and_workflow(&mut tx, actor, run_id).await?;
        let done = runs::cancel(&mut tx, run_id, &actor.id, now).await?;
        if done == Cancel::Over {
            return Err(ManageError::Conflict(format!(
                "run {run_id} already ended ({})",
                run.status
            )));
        }
        let note = format!("run {run_id}");
        audit::record(
            &mut tx,
            &actor.id,
            Some(run.workflow_id),
            "cancel-run",
            Some(&note),
            now,
        )
        .await?;
        store::commit(tx, "committing a cancel").await?;
        // A queued run behind it may start now.
        self.runner.changed();
        let deadline = tokio::time::Instant::now() + STOP_WAIT;
        loop {
            let mut conn = self.store.connection().await?;
            let run = runs::get(&mut conn, run_id)
                .await?
                .ok_or(ManageError::RunNotFound(run_id))?;
            if run.status.is_final() || tokio::time::Instant::now() >= deadline {
                return Ok(run);
            }
            drop(conn);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The runs of workflow `id` that have not ended, newest first (what
    /// "stop it" stops).
    pub async fn live_runs(&self, actor: &Actor, id: i64) -> Result<Vec<Run>, ManageError> {
        self.workflow(actor, id).await?;
        let mut conn = self.store.connection().await?;
        Ok(runs::live_of(&mut conn, id).await?)
    }
}
