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
        tx: &mut crate::store::SqliteConnection,
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
        tx: &mut crate::store::SqliteConnection,
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
        let streak = workflows::record_outcome(tx, workflow.id, true).await?;
        if streak >= super::AUTO_PAUSE_AFTER {
            notices.extend(self.auto_pause(tx, workflow, streak, error, now).await?);
        }
        Ok(notices)
    }

    pub(crate) async fn auto_pause(
        &self,
        tx: &mut crate::store::SqliteConnection,
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
