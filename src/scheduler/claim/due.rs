//! Due workflows in a claim: each slot the plan decides on becomes a run row
//! (running, queued, skipped or missed), written with the other workflows'
//! rows; a snoozed occurrence is written at once.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::super::{slots, Claimed, Scheduler};
use super::{audience, Batch, ClaimResult};
use crate::store::runs::{self, NewRun};
use crate::store::workflows::{self, SlotState};
use crate::store::StoreError;
use crate::workflow::notify::Notice;
use crate::workflow::{Overlap, Run, RunStatus, RunTrigger, Workflow, WorkflowStatus};

impl Scheduler {
    /// Due workflows: their slots become run rows (written together) and
    /// their slot states move on.
    pub(super) async fn claim_due(
        &self,
        tx: &mut crate::store::AnyConnection,
        (now, horizon): (DateTime<Utc>, DateTime<Utc>),
        lease_until: DateTime<Utc>,
        result: &mut ClaimResult,
    ) -> Result<(), StoreError> {
        let due = workflows::due(&mut *tx, horizon, self.config.claim_batch).await?;
        let full = due.len() as i64 >= self.config.claim_batch;
        if !due.is_empty() {
            let mut live = runs::live_counts_all(&mut *tx).await?;
            let mut batch = Batch::default();
            for workflow in due {
                let counts = live.remove(&workflow.id).unwrap_or((0, 0));
                self.claim_workflow(
                    &mut *tx,
                    workflow,
                    counts,
                    (now, horizon, lease_until),
                    &mut batch,
                    result,
                )
                .await?;
            }
            let inserted =
                runs::insert_many(&mut *tx, &batch.rows, &self.config.node, lease_until, now)
                    .await?;
            let rows: std::collections::HashMap<(i64, DateTime<Utc>), &runs::RunRow> = batch
                .rows
                .iter()
                .map(|row| ((row.workflow_id, row.scheduled_for), row))
                .collect();
            for (id, workflow_id, slot) in inserted {
                let Some(row) = rows.get(&(workflow_id, slot)) else {
                    continue;
                };
                if row.status != RunStatus::Running {
                    continue;
                }
                let Some(workflow) = batch.starting.get(&workflow_id) else {
                    continue;
                };
                result.runs.push(Claimed {
                    run: fresh_run(id, workflow, &row.trigger, slot),
                    workflow: Arc::clone(workflow),
                    resumed: false,
                });
            }
            workflows::set_slot_states(&mut *tx, &batch.states, now).await?;
            // Claim again at once only if this claim moved some on: a batch of
            // workflows all left to their slots (one-time workflows inside the
            // look-ahead) would come back unchanged.
            result.more = full && !batch.states.is_empty();
        }

        Ok(())
    }

    async fn claim_workflow(
        &self,
        tx: &mut crate::store::AnyConnection,
        workflow: Workflow,
        (mut going, mut queued): (i64, i64),
        (now, horizon, lease_until): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
        batch: &mut Batch,
        result: &mut ClaimResult,
    ) -> Result<(), StoreError> {
        let workflow = Arc::new(workflow);
        let schedule = match &workflow.schedule {
            Ok(schedule) => schedule.clone(),
            Err(error) => {
                // Bad data stops this workflow, never the scheduler.
                let reason = format!("its schedule can't be read: {error}");
                return unreadable(tx, &workflow, reason, now, result).await;
            }
        };
        let Some(until) = plan_until(&workflow, &schedule, now, horizon) else {
            return Ok(());
        };
        if until > now {
            // Claimed ahead: whether a run going now still overlaps it is
            // known at its slot, where the overlap policy is applied.
            (going, queued) = (0, 0);
        }
        // The grace grows by the look-ahead, so a slot is missed exactly when
        // it is older than `now - grace`.
        let plan = slots::plan(&workflow, &schedule, until, self.grace() + (until - now));
        let lease = Some((self.config.node.as_str(), lease_until));
        let regular: Vec<DateTime<Utc>> = plan
            .decisions
            .iter()
            .filter(|d| !matches!(d.action, slots::SlotAction::Run(RunTrigger::Snooze)))
            .map(|d| d.slot)
            .collect();
        for decision in &plan.decisions {
            let slot = decision.slot;
            let (status, trigger, error, leased) =
                decide(&decision.action, &workflow, going, queued);
            if trigger != "snooze" {
                // The common case: written with the other workflows' rows.
                batch.rows.push(runs::RunRow {
                    workflow_id: workflow.id,
                    workflow_version: workflow.version,
                    trigger: trigger.to_string(),
                    scheduled_for: slot,
                    status,
                    error,
                    leased,
                });
                match status {
                    RunStatus::Running => {
                        going += 1;
                        batch
                            .starting
                            .entry(workflow.id)
                            .or_insert_with(|| Arc::clone(&workflow));
                    }
                    RunStatus::Queued => queued += 1,
                    _ => {}
                }
                continue;
            }
            // A snoozed occurrence is written at once, 1 ms off any regular
            // slot it lands on.
            let mut slot = slot;
            if regular.contains(&slot) {
                slot += TimeDelta::milliseconds(1);
            }
            let new = new_run(
                &workflow,
                slot,
                status,
                trigger,
                None,
                error.as_deref(),
                if leased { lease } else { None },
            );
            let Some(id) = runs::insert(tx, &new, now).await? else {
                continue; // the slot already has its run
            };
            match status {
                RunStatus::Running => {
                    going += 1;
                    result.runs.push(Claimed {
                        run: fresh_run(id, &workflow, trigger, slot),
                        workflow: Arc::clone(&workflow),
                        resumed: false,
                    });
                }
                RunStatus::Queued => queued += 1,
                _ => {}
            }
        }
        batch
            .states
            .push((workflow.id, slot_state(&plan, workflow.status)));
        Ok(())
    }
}

/// Up to when a due workflow's slots are planned in a claim at `now`
/// looking ahead to `horizon`; `None` leaves it to a claim at its slot.
fn plan_until(
    workflow: &Workflow,
    schedule: &crate::schedule::Schedule,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // Ahead of now, only up to the workflow's next slot (or snoozed
    // occurrence): the slots of a per-second schedule up to the horizon are
    // not "due together".
    let wants = [workflow.next_run, workflow.snooze_until]
        .into_iter()
        .flatten()
        .min();
    let until = wants.map_or(now, |at| at.clamp(now, horizon.max(now)));
    // A one-time workflow's slot completes the workflow: it is claimed at
    // its time, so it stays active (one can still pause or edit it) until
    // it fires.
    (until == now || schedule.kind() != "once").then_some(until)
}

/// Where the workflow's slots stand after the plan.
fn slot_state(plan: &slots::SlotPlan, status: WorkflowStatus) -> SlotState {
    SlotState {
        next_run: plan.next_run,
        skip_slot: plan.skip_slot,
        snooze_slot: plan.snooze_slot,
        snooze_until: plan.snooze_until,
        status: if plan.completed {
            WorkflowStatus::Completed
        } else {
            status
        },
    }
}

/// A run just claimed, as the engine sees it.
fn fresh_run(id: i64, workflow: &Workflow, trigger: &str, slot: DateTime<Utc>) -> Run {
    Run {
        id,
        workflow_id: workflow.id,
        workflow_version: workflow.version,
        trigger: trigger.to_string(),
        scheduled_for: slot,
        status: RunStatus::Running,
        attempt: 1,
        started_at: None,
        ended_at: None,
        input: None,
        output: None,
        error: None,
        usage: None,
        delivery_errors: Vec::new(),
    }
}

fn new_run<'a>(
    workflow: &Workflow,
    slot: DateTime<Utc>,
    status: RunStatus,
    trigger: &'a str,
    input: Option<&'a Value>,
    error: Option<&'a str>,
    lease: Option<(&'a str, DateTime<Utc>)>,
) -> NewRun<'a> {
    NewRun {
        workflow_id: workflow.id,
        workflow_version: workflow.version,
        trigger,
        scheduled_for: slot,
        status,
        input,
        error,
        lease,
    }
}

/// What a due slot becomes given what the workflow has going and queued:
/// (status, trigger, why, whether it is leased to start now).
fn decide<'a>(
    action: &'a slots::SlotAction,
    workflow: &Workflow,
    going: i64,
    queued: i64,
) -> (RunStatus, &'a str, Option<String>, bool) {
    match action {
        slots::SlotAction::Missed(reason) => {
            (RunStatus::Missed, "schedule", Some(reason.clone()), false)
        }
        slots::SlotAction::Skipped(reason) => {
            (RunStatus::Skipped, "schedule", Some(reason.clone()), false)
        }
        slots::SlotAction::Queue(trigger) => {
            if going == 0 && queued == 0 {
                (RunStatus::Running, trigger.as_str(), None, true)
            } else {
                (RunStatus::Queued, trigger.as_str(), None, false)
            }
        }
        slots::SlotAction::Run(trigger) if going == 0 => {
            (RunStatus::Running, trigger.as_str(), None, true)
        }
        slots::SlotAction::Run(trigger) => match workflow.policies.overlap {
            Overlap::Allow => (RunStatus::Running, trigger.as_str(), None, true),
            Overlap::Queue if queued == 0 => (RunStatus::Queued, trigger.as_str(), None, false),
            Overlap::Queue => (
                RunStatus::Skipped,
                trigger.as_str(),
                Some(super::super::ahead::QUEUE_FULL.into()),
                false,
            ),
            Overlap::Skip => (
                RunStatus::Skipped,
                trigger.as_str(),
                Some(super::super::ahead::STILL_GOING.into()),
                false,
            ),
        },
    }
}

/// A workflow whose stored schedule cannot be read: its slot is recorded
/// failed, it pauses, and its owner is told why.
async fn unreadable(
    tx: &mut crate::store::AnyConnection,
    workflow: &Workflow,
    reason: String,
    now: DateTime<Utc>,
    result: &mut ClaimResult,
) -> Result<(), StoreError> {
    let slot = workflow.next_run.unwrap_or(now);
    let new = new_run(
        workflow,
        slot,
        RunStatus::Failed,
        "schedule",
        None,
        Some(&reason),
        None,
    );
    runs::insert(tx, &new, now).await?;
    workflows::pause(
        tx,
        workflow.id,
        Some(&format!("paused: {reason}")),
        None,
        now,
    )
    .await?;
    result.said.push(Notice::AutoPaused {
        audience: audience(workflow),
        reason,
    });
    Ok(())
}
