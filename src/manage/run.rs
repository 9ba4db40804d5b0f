//! Running a workflow now, by hand: the run is recorded (leased to this
//! node) and audited here, then handed to the [`Runner`](super::Runner).

use chrono::{DateTime, Utc};
use std::time::Duration;

use super::{Actor, ManageError, Manager};
use crate::store::{self, audit, runs};
use crate::workflow::{Run, RunStatus, RunTrigger, Workflow};

impl Manager {
    /// Starts a run of workflow `id` now and waits for it: until it ends
    /// with `wait` `None`, else at most `wait`. Returns the run as stored
    /// then (it may still be going).
    pub async fn run_now(
        &self,
        actor: &Actor,
        id: i64,
        wait: Option<Duration>,
    ) -> Result<Run, ManageError> {
        self.run_with_input(actor, id, None, wait).await
    }

    /// [`Manager::run_now`] with `input` for the run's `${input...}`
    /// references. With a `wait` of zero it returns as soon as the run is
    /// recorded and started.
    pub async fn run_with_input(
        &self,
        actor: &Actor,
        id: i64,
        input: Option<&serde_json::Value>,
        wait: Option<Duration>,
    ) -> Result<Run, ManageError> {
        let now = self.now();
        let workflow = self.workflow(actor, id).await?;
        let allowed = if actor.owns_as_admin(&workflow.owner) {
            Ok(())
        } else {
            let mut conn = self.store.connection().await?;
            self.may_run(&mut conn, &workflow.owner).await
        };
        if allowed.is_err() {
            self.flush_hits().await;
        }
        allowed?;
        let mut tx = self.store.begin_write().await?;
        let run_id = self
            .insert_running(&mut tx, &workflow, RunTrigger::Manual, input, now)
            .await?;
        audit::record(&mut tx, &actor.id, Some(id), "run-now", None, now).await?;
        let run = runs::get(&mut tx, run_id)
            .await?
            .ok_or(ManageError::RunNotFound(run_id))?;
        store::commit(tx, "committing a manual run").await?;
        self.runner.execute(run, workflow, wait).await;
        let mut conn = self.store.connection().await?;
        runs::get(&mut conn, run_id)
            .await?
            .ok_or(ManageError::RunNotFound(run_id))
    }

    /// Records a run of `workflow` started now by `trigger`, leased to this
    /// node; returns its id.
    pub(super) async fn insert_running(
        &self,
        tx: &mut crate::store::AnyConnection,
        workflow: &Workflow,
        trigger: RunTrigger,
        input: Option<&serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<i64, ManageError> {
        let new = runs::NewRun {
            workflow_id: workflow.id,
            workflow_version: workflow.version,
            trigger: trigger.as_str(),
            scheduled_for: now,
            status: RunStatus::Running,
            input,
            error: None,
            lease: Some((&self.node, now + self.lease)),
        };
        Ok(runs::insert_at_free_slot(&mut *tx, new, now).await?)
    }
}
