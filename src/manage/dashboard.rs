//! What the dashboard shows beside pages of workflows and runs: each
//! workflow's last result, and the questions waiting for a person's answer.

use std::collections::HashMap;

use super::{Actor, ManageError, Manager};
use crate::store::approvals::{self, Asking};
use crate::store::runs::{self, LastRun};
use crate::workflow::Workflow;

impl Manager {
    /// The last ended run of each of `workflows` the actor may see.
    pub async fn last_runs(
        &self,
        actor: &Actor,
        workflows: &[Workflow],
    ) -> Result<HashMap<i64, LastRun>, ManageError> {
        let ids: Vec<i64> = workflows
            .iter()
            .filter(|w| actor.may_manage(w))
            .map(|w| w.id)
            .collect();
        Ok(runs::last_ended(self.store.reader(), &ids).await?)
    }

    /// Approval requests of runs waiting on the actor's own workflows,
    /// oldest first.
    pub async fn waiting_approvals(&self, actor: &Actor) -> Result<Vec<Asking>, ManageError> {
        Ok(approvals::pending_of(self.store.reader(), &actor.id).await?)
    }
}
