//! A `workflow` step (and the agent's `start_workflow` tool): another
//! workflow of the same owner runs as a child of this run, one level deeper,
//! and its result and usage come back.

use chrono::TimeDelta;
use serde_json::{json, Value};

use super::runner::{store_failed, Runner};
use crate::store::{runs, workflows};
use crate::workflow::{RunStatus, RunTrigger, Usage, WorkflowRef};

impl Runner<'_> {
    /// Starts another workflow of the same owner and waits for its result;
    /// also returns what the child used, which counts against this run's
    /// budgets too.
    pub(super) async fn chain(
        &self,
        target: &WorkflowRef,
        input: Value,
    ) -> Result<(Value, Usage), String> {
        let store = &self.engine.store;
        let mut conn = store.connection().await.map_err(store_failed)?;
        let child = self.child(&mut conn, target).await?;
        let run_id = self.start_child(&mut conn, &child, &input).await?;
        let run = runs::get(&mut conn, run_id)
            .await
            .map_err(store_failed)?
            .ok_or("the chained run vanished")?;
        drop(conn);
        let outcome = Box::pin(
            self.engine
                .execute_at_depth(&run, &child, self.depth + 1, false),
        )
        .await;
        let mut conn = store.connection().await.map_err(store_failed)?;
        let status = if outcome.status == RunStatus::Waiting {
            RunStatus::Failed
        } else {
            outcome.status
        };
        let error = if outcome.status == RunStatus::Waiting {
            Some("a chained workflow cannot wait for approval".to_string())
        } else {
            outcome.error.clone()
        };
        let _ = runs::finish(
            &mut conn,
            run_id,
            &self.engine.node,
            status,
            outcome.output.as_ref(),
            error.as_deref(),
            &outcome.usage,
            self.engine.now(),
        )
        .await;
        match status {
            RunStatus::Succeeded => Ok((
                json!({ "workflow_id": child.id, "run_id": run_id, "output": outcome.output }),
                outcome.usage,
            )),
            _ => Err(format!(
                "workflow #{} '{}' {}: {}",
                child.id,
                child.name,
                status,
                error.unwrap_or_default()
            )),
        }
    }

    /// The workflow a chain names, if it is the same owner's.
    async fn child(
        &self,
        conn: &mut crate::store::AnyConnection,
        target: &WorkflowRef,
    ) -> Result<crate::workflow::Workflow, String> {
        let found = match target {
            WorkflowRef::Id(id) => workflows::get(&mut *conn, *id).await,
            WorkflowRef::Name(name) => {
                workflows::find_by_name(&mut *conn, &self.workflow.owner, name).await
            }
        }
        .map_err(store_failed)?
        .filter(|w| w.owner == self.workflow.owner);
        found.ok_or_else(|| match target {
            WorkflowRef::Id(id) => format!("workflow #{id} was not found"),
            WorkflowRef::Name(name) => format!("workflow '{name}' was not found"),
        })
    }

    /// The child's run row, leased to this process (1 ms later when a run
    /// of it already has this instant).
    async fn start_child(
        &self,
        conn: &mut crate::store::AnyConnection,
        child: &crate::workflow::Workflow,
        input: &Value,
    ) -> Result<i64, String> {
        let now = self.engine.now();
        let lease = (
            self.engine.node.as_str(),
            now + TimeDelta::from_std(self.engine.lease).unwrap_or(TimeDelta::minutes(1)),
        );
        let new = runs::NewRun {
            workflow_id: child.id,
            workflow_version: child.version,
            trigger: RunTrigger::Chain.as_str(),
            scheduled_for: now,
            status: RunStatus::Running,
            input: Some(input),
            error: None,
            lease: Some(lease),
        };
        runs::insert_at_free_slot(&mut *conn, new, now)
            .await
            .map_err(store_failed)
    }
}
