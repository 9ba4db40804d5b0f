//! The claim: one write transaction (`BEGIN IMMEDIATE`) that turns due slots,
//! retries, queued runs, answered approvals and expired leases into run rows,
//! so every slot runs once or is recorded as not run (DESIGN §4).

mod due;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Claimed, Scheduler};
use crate::store::runs;
use crate::store::workflows::{self, SlotState};
use crate::store::{approvals, audit, StoreError};
use crate::workflow::notify::{Audience, Notice};
use crate::workflow::Workflow;

/// Run rows and workflow updates of one claim, written together at its end.
#[derive(Default)]
struct Batch {
    rows: Vec<runs::RunRow>,
    states: Vec<(i64, SlotState)>,
    /// Workflows with a run to start, by id.
    starting: std::collections::HashMap<i64, Arc<Workflow>>,
}

/// What a claim produced: runs to execute now and notices to send after commit.
#[derive(Default)]
pub struct ClaimResult {
    pub runs: Vec<Claimed>,
    /// Written to the outbox with the claim.
    pub notices: Vec<super::Outgoing>,
    /// Gathered during the claim, kept at its commit.
    said: Vec<Notice>,
    /// More due workflows than one batch took.
    pub more: bool,
}

impl Scheduler {
    /// Claims everything due at `now` in one write transaction.
    pub async fn claim(&self, now: DateTime<Utc>) -> Result<ClaimResult, StoreError> {
        self.claim_ahead(now, now).await
    }

    /// Claims what is due at `now`, and the slots of workflows due up to
    /// `horizon` (a little after now), in one write transaction. Runs of the
    /// later slots come back not started: the loop starts each at its slot,
    /// so neither the claim's latency nor its cost shows in their start.
    pub(super) async fn claim_ahead(
        &self,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
    ) -> Result<ClaimResult, StoreError> {
        let mut tx = self.store.begin_write().await?;
        let mut result = ClaimResult::default();
        let lease_until = now + self.lease();

        self.expire_leases(&mut tx, now, lease_until, &mut result)
            .await?;
        end_pauses(&mut tx, now).await?;
        self.claim_due(&mut tx, (now, horizon), lease_until, &mut result)
            .await?;
        self.restart(&mut tx, now, lease_until, &mut result).await?;
        let said = std::mem::take(&mut result.said);
        result.notices = super::outgoing::keep(&mut tx, &*self.notifier, said, now).await?;
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing a claim",
            source,
        })?;
        Ok(result)
    }

    /// Runs whose process died: interrupted, then retried or counted. This
    /// process's own runs keep their leases even if the heartbeat was held
    /// up (a long write by another process).
    async fn expire_leases(
        &self,
        tx: &mut crate::store::AnyConnection,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        result: &mut ClaimResult,
    ) -> Result<(), StoreError> {
        let held = self.held_ids();
        runs::renew_leases(&mut *tx, &self.config.node, &held, lease_until).await?;
        for run in runs::expire_leases(&mut *tx, now).await? {
            result
                .said
                .extend(self.handle_interrupted(tx, &run, now).await?);
        }

        Ok(())
    }

    /// Retries whose time has come, queued runs whose turn it is, and runs
    /// whose approval was answered or expired.
    async fn restart(
        &self,
        tx: &mut crate::store::AnyConnection,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        result: &mut ClaimResult,
    ) -> Result<(), StoreError> {
        let mut restart = Vec::new();
        restart.extend(
            runs::due_retries(&mut *tx, now)
                .await?
                .into_iter()
                .map(|r| r.id),
        );
        restart.extend(
            runs::startable_queued(&mut *tx)
                .await?
                .into_iter()
                .map(|r| r.id),
        );
        restart.extend(approvals::settled_waiting_runs(&mut *tx, now).await?);
        for run_id in restart {
            if !runs::start(&mut *tx, run_id, &self.config.node, lease_until, now).await? {
                continue;
            }
            let Some(run) = runs::get(&mut *tx, run_id).await? else {
                continue;
            };
            let Some(workflow) = workflows::get(&mut *tx, run.workflow_id).await? else {
                continue;
            };
            result.runs.push(Claimed {
                run,
                workflow: Arc::new(workflow),
                resumed: true,
            });
        }
        Ok(())
    }
}

/// Pauses that end now ("pause it for a week"): active again from the first
/// slot after now, the paused period not replayed.
async fn end_pauses(
    tx: &mut crate::store::AnyConnection,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for workflow in workflows::resumes_due(&mut *tx, now).await? {
        let next = workflow
            .schedule
            .as_ref()
            .ok()
            .and_then(|schedule| schedule.next_after(now));
        if workflows::resume(&mut *tx, workflow.id, next, now).await? {
            audit::record(
                &mut *tx,
                "steward",
                Some(workflow.id),
                "resume",
                Some("the pause ended"),
                now,
            )
            .await?;
        }
    }

    Ok(())
}

pub(crate) fn audience(workflow: &Workflow) -> Audience {
    Audience {
        workflow_id: workflow.id,
        workflow_name: workflow.name.clone(),
        owner: workflow.owner.clone(),
        to: workflow.home_chat.clone(),
    }
}
