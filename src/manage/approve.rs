//! Answering a run's approval request.

use super::{Actor, ManageError, Manager};
use crate::store::{self, approvals, audit};
use crate::workflow::Workflow;

impl Manager {
    /// Approves or rejects the open request of run `run_id`, when the actor
    /// may manage its workflow; returns that workflow. The run continues at
    /// the scheduler's next look, which this asks for.
    pub async fn answer(
        &self,
        actor: &Actor,
        run_id: i64,
        approve: bool,
    ) -> Result<Workflow, ManageError> {
        let now = self.now();
        let mut conn = self.store.connection().await?;
        let (_, workflow) = super::run_and_workflow(&mut conn, actor, run_id).await?;
        drop(conn);
        if !approvals::answer(self.store.pool(), run_id, approve, &actor.id, now).await? {
            return Err(ManageError::Invalid(format!(
                "run {run_id} has no open approval request"
            )));
        }
        let action = if approve { "approve" } else { "reject" };
        let detail = format!("run {run_id}");
        let mut tx = self.store.begin_write().await?;
        audit::record(
            &mut tx,
            &actor.id,
            Some(workflow.id),
            action,
            Some(&detail),
            now,
        )
        .await?;
        store::commit(tx, "recording an approval").await?;
        self.runner.changed();
        Ok(workflow)
    }
}
