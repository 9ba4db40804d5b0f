//! Runs that did not make it: a run interrupted by a dead or stopped
//! process is retried or counted as a failure, and the fifth failure in a
//! row pauses its workflow and tells the owner why.

use super::claim::audience;
use super::*;

impl Scheduler {
    /// A run whose process died or shut down: retried if its policy allows,
    /// else counted as a failure.
    pub(crate) async fn handle_interrupted(
        &self,
        tx: &mut crate::store::AnyConnection,
        run: &Run,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notice>, StoreError> {
        let Some(workflow) = workflows::get(tx, run.workflow_id).await? else {
            return Ok(Vec::new());
        };
        let error = run.error.clone().unwrap_or_default();
        if (run.attempt as u32) <= workflow.policies.retries {
            let at =
                now + TimeDelta::seconds(workflow.policies.backoff_seconds(run.attempt as u32));
            runs::retry_later(tx, run.id, None, at, RunStatus::Interrupted, &error, now).await?;
            return Ok(Vec::new());
        }
        self.count_failure(tx, &workflow, run, &error, now).await
    }

    /// Counts a final failure; at the fifth in a row the workflow pauses itself
    /// and tells its owner why.
    pub(crate) async fn count_failure(
        &self,
        tx: &mut crate::store::AnyConnection,
        workflow: &Workflow,
        run: &Run,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notice>, StoreError> {
        let mut notices = vec![Notice::RunFinished {
            audience: audience(workflow),
            run_id: run.id,
            status: RunStatus::Interrupted,
            summary: format!("interrupted: {error}"),
        }];
        let failed = (run, RunStatus::Interrupted, error);
        self.on_failure(tx, workflow, failed, now, &mut notices)
            .await?;
        let streak = workflows::record_outcome(tx, workflow.id, true).await?;
        if streak >= super::AUTO_PAUSE_AFTER {
            notices.extend(self.auto_pause(tx, workflow, streak, error, now).await?);
        }
        Ok(notices)
    }

    pub(crate) async fn auto_pause(
        &self,
        tx: &mut crate::store::AnyConnection,
        workflow: &Workflow,
        streak: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notice>, StoreError> {
        let reason = format!(
            "paused automatically after {streak} failed runs in a row; the last error: {error}. Fix it and resume the workflow."
        );
        if workflows::pause(tx, workflow.id, Some(&reason), None, now).await? {
            crate::store::audit::record(
                tx,
                "steward",
                Some(workflow.id),
                "auto-pause",
                Some(&reason),
                now,
            )
            .await?;
            return Ok(vec![Notice::AutoPaused {
                audience: audience(workflow),
                reason,
            }]);
        }
        Ok(Vec::new())
    }
}

impl Scheduler {
    /// `policies.on_failure` of a run of `workflow` that failed for good:
    /// a notice to the other chat, and a queued run of the other workflow
    /// (the same owner's, active) with the failed run as its input, started
    /// by the next claim. Adds to `notices`; returns whether a run was queued.
    pub(crate) async fn on_failure(
        &self,
        tx: &mut crate::store::AnyConnection,
        workflow: &Workflow,
        failed: (&Run, RunStatus, &str),
        now: DateTime<Utc>,
        notices: &mut Vec<Notice>,
    ) -> Result<bool, StoreError> {
        let (run, status, error) = failed;
        let Some(on_failure) = &workflow.policies.on_failure else {
            return Ok(false);
        };
        if let Some(to) = &on_failure.notify {
            let mut to_chat = audience(workflow);
            to_chat.to = Some(to.clone());
            notices.push(Notice::RunFinished {
                audience: to_chat,
                run_id: run.id,
                status,
                summary: format!("{status}: {error}"),
            });
        }
        let Some(target) = &on_failure.workflow else {
            return Ok(false);
        };
        let found = match target {
            crate::workflow::WorkflowRef::Id(id) => workflows::get(&mut *tx, *id).await?,
            crate::workflow::WorkflowRef::Name(name) => {
                workflows::find_by_name(&mut *tx, &workflow.owner, name).await?
            }
        };
        let Some(other) = found.filter(|w| w.owner == workflow.owner && w.id != workflow.id) else {
            tracing::warn!(
                workflow = workflow.id,
                ?target,
                "on_failure names no workflow of the same owner"
            );
            return Ok(false);
        };
        // Two workflows starting each other on failure stop after one turn.
        let input = run.input.as_ref();
        let bounced = input.is_some_and(|i| {
            i["via"] == "on_failure" && i["workflow_id"].as_i64() == Some(other.id)
        });
        if other.status != crate::workflow::WorkflowStatus::Active || bounced {
            return Ok(false);
        }
        let input = serde_json::json!({
            "via": "on_failure",
            "workflow_id": workflow.id,
            "workflow": workflow.name,
            "run_id": run.id,
            "status": status.as_str(),
            "error": error,
            "summary": error,
        });
        let new = runs::NewRun {
            workflow_id: other.id,
            workflow_version: other.version,
            trigger: crate::workflow::RunTrigger::After.as_str(),
            scheduled_for: now,
            status: RunStatus::Queued,
            input: Some(&input),
            error: None,
            lease: None,
        };
        runs::insert_at_free_slot(&mut *tx, new, now).await?;
        Ok(true)
    }
}
