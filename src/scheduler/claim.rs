//! The claim: one write transaction (`BEGIN IMMEDIATE`) that turns due slots,
//! retries, queued runs, answered approvals and expired leases into run rows,
//! so every slot runs once or is recorded as not run (DESIGN §4).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::{slots, Claimed, Scheduler};
use crate::store::runs::{self, NewRun};
use crate::store::workflows::{self, SlotState};
use crate::store::{approvals, audit, StoreError};
use crate::workflow::notify::{Audience, Notice};
use crate::workflow::{Overlap, Run, RunStatus, RunTrigger, Workflow, WorkflowStatus};

/// Run rows and workflow updates of one claim, written together at its end.
#[derive(Default)]
struct Batch {
    rows: Vec<runs::RunRow>,
    states: Vec<(i64, SlotState)>,
    /// Workflows with a run to start, by id.
    starting: std::collections::HashMap<i64, Workflow>,
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
        let mut tx = self.store.begin_write().await?;
        let mut result = ClaimResult::default();
        let lease_until = now + self.lease();

        // Runs whose process died: interrupted, then retried or counted.
        // This process's own runs keep their leases even if the heartbeat was
        // held up (a long write by another process).
        let held = self.held_ids();
        runs::renew_leases(&mut tx, &self.config.node, &held, lease_until).await?;
        for run in runs::expire_leases(&mut tx, now).await? {
            result
                .said
                .extend(self.handle_interrupted(&mut tx, &run, now).await?);
        }

        // Pauses that end now ("pause it for a week"): active again from the
        // first slot after now, the paused period not replayed.
        for workflow in workflows::resumes_due(&mut tx, now).await? {
            let next = workflow
                .schedule
                .as_ref()
                .ok()
                .and_then(|schedule| schedule.next_after(now));
            if workflows::resume(&mut tx, workflow.id, next, now).await? {
                audit::record(
                    &mut tx,
                    "steward",
                    Some(workflow.id),
                    "resume",
                    Some("the pause ended"),
                    now,
                )
                .await?;
            }
        }

        // Due workflows.
        let due = workflows::due(&mut tx, now, self.config.claim_batch).await?;
        result.more = due.len() as i64 >= self.config.claim_batch;
        if !due.is_empty() {
            let mut live = runs::live_counts_all(&mut tx).await?;
            let mut batch = Batch::default();
            for workflow in due {
                let counts = live.remove(&workflow.id).unwrap_or((0, 0));
                self.claim_workflow(
                    &mut tx,
                    workflow,
                    counts,
                    (now, lease_until),
                    &mut batch,
                    &mut result,
                )
                .await?;
            }
            let inserted =
                runs::insert_many(&mut tx, &batch.rows, &self.config.node, lease_until, now)
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
                    workflow: workflow.clone(),
                    resumed: false,
                });
            }
            workflows::set_slot_states(&mut tx, &batch.states, now).await?;
        }

        // Retries whose time has come, queued runs whose turn it is, and runs
        // whose approval was answered or expired.
        let mut restart = Vec::new();
        restart.extend(
            runs::due_retries(&mut tx, now)
                .await?
                .into_iter()
                .map(|r| r.id),
        );
        restart.extend(
            runs::startable_queued(&mut tx)
                .await?
                .into_iter()
                .map(|r| r.id),
        );
        restart.extend(approvals::settled_waiting_runs(&mut tx, now).await?);
        for run_id in restart {
            if !runs::start(&mut tx, run_id, &self.config.node, lease_until, now).await? {
                continue;
            }
            let Some(run) = runs::get(&mut tx, run_id).await? else {
                continue;
            };
            let Some(workflow) = workflows::get(&mut tx, run.workflow_id).await? else {
                continue;
            };
            result.runs.push(Claimed {
                run,
                workflow,
                resumed: true,
            });
        }
        let said = std::mem::take(&mut result.said);
        result.notices = super::outgoing::keep(&mut tx, &*self.notifier, said, now).await?;
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing a claim",
            source,
        })?;
        Ok(result)
    }

    async fn claim_workflow(
        &self,
        tx: &mut crate::store::SqliteConnection,
        workflow: Workflow,
        (mut going, mut queued): (i64, i64),
        (now, lease_until): (DateTime<Utc>, DateTime<Utc>),
        batch: &mut Batch,
        result: &mut ClaimResult,
    ) -> Result<(), StoreError> {
        let schedule = match &workflow.schedule {
            Ok(schedule) => schedule.clone(),
            Err(error) => {
                // Bad data stops this workflow, never the scheduler.
                let reason = format!("its schedule can't be read: {error}");
                return unreadable(tx, &workflow, reason, now, result).await;
            }
        };
        let plan = slots::plan(&workflow, &schedule, now, self.grace());
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
                            .or_insert_with(|| workflow.clone());
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
                        workflow: workflow.clone(),
                        resumed: false,
                    });
                }
                RunStatus::Queued => queued += 1,
                _ => {}
            }
        }
        let status = if plan.completed {
            WorkflowStatus::Completed
        } else {
            workflow.status
        };
        let state = SlotState {
            next_run: plan.next_run,
            skip_slot: plan.skip_slot,
            snooze_slot: plan.snooze_slot,
            snooze_until: plan.snooze_until,
            status,
        };
        batch.states.push((workflow.id, state));
        Ok(())
    }
}

pub(crate) fn audience(workflow: &Workflow) -> Audience {
    Audience {
        workflow_id: workflow.id,
        workflow_name: workflow.name.clone(),
        owner: workflow.owner.clone(),
        to: workflow.home_chat.clone(),
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
                Some("skipped: the previous run was still going and one was already queued".into()),
                false,
            ),
            Overlap::Skip => (
                RunStatus::Skipped,
                trigger.as_str(),
                Some("skipped: the previous run was still going (overlap policy 'skip')".into()),
                false,
            ),
        },
    }
}

/// A workflow whose stored schedule cannot be read: its slot is recorded
/// failed, it pauses, and its owner is told why.
async fn unreadable(
    tx: &mut crate::store::SqliteConnection,
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
