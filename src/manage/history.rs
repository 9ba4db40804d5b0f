//! What a person may look at: their workflows, and what those did.

use chrono::{DateTime, Utc};

use super::{Actor, ManageError, Manager};
use crate::store::runs::{self, HistoryQuery};
use crate::store::{steps, workflows};
use crate::workflow::{Run, RunStatus, StepRecord, Workflow};

/// Which runs a history question asks for.
#[derive(Clone, Debug, Default)]
pub struct RunQuery {
    /// One workflow (checked to be the actor's to see), or all of theirs.
    pub workflow: Option<i64>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<RunStatus>,
    /// Runs whose slot is in `[since, until)`.
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

impl Manager {
    /// The workflows the actor picks from in a chat, oldest first: their
    /// own, and those of the chats they manage.
    pub async fn workflows(&self, actor: &Actor) -> Result<Vec<Workflow>, ManageError> {
        let reader = self.store.reader();
        Ok(match actor.manages.as_deref() {
            Some(managed) => workflows::list_managed(reader, &actor.id, managed).await?,
            None => workflows::list(reader, Some(&actor.id)).await?,
        })
    }

    /// Everyone's workflows, or one owner's: an admin's view.
    pub async fn all_workflows(
        &self,
        actor: &Actor,
        owner: Option<&str>,
    ) -> Result<Vec<Workflow>, ManageError> {
        if !actor.admin {
            return Err(ManageError::NotAllowed(
                "only an admin sees everyone's workflows".into(),
            ));
        }
        Ok(workflows::list(self.store.reader(), owner).await?)
    }

    /// Runs matching `query`, newest slot first, each with its workflow's
    /// name: of one workflow the actor may see, or of all their own.
    pub async fn history(
        &self,
        actor: &Actor,
        query: &RunQuery,
    ) -> Result<Vec<(Run, String)>, ManageError> {
        if let Some(id) = query.workflow {
            self.workflow(actor, id).await?;
        }
        let found = runs::history(
            self.store.reader(),
            &HistoryQuery {
                owner: query.workflow.is_none().then_some(actor.id.as_str()),
                workflow_id: query.workflow,
                statuses: query.statuses.clone(),
                since: query.since,
                until: query.until,
                before: None,
                limit: query.limit,
            },
        )
        .await?;
        Ok(found)
    }

    /// Run `id` with its steps, when the actor may see its workflow.
    pub async fn run(&self, actor: &Actor, id: i64) -> Result<(Run, Vec<StepRecord>), ManageError> {
        let mut conn = self.store.connection().await?;
        let (run, _) = super::run_and_workflow(&mut conn, actor, id).await?;
        drop(conn);
        let steps = steps::list(self.store.pool(), id).await?;
        Ok((run, steps))
    }
}
