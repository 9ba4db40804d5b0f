//! What to do with the slots of one due workflow (DESIGN §4), decided without
//! I/O: which run now, which were missed and why, what comes next.

use chrono::{DateTime, TimeDelta, Utc};

use crate::schedule::Schedule;
use crate::workflow::{CatchUp, RunTrigger, Workflow, MAX_CATCH_UP_RUNS};

/// Slots recorded one by one in one claim; a longer backlog keeps its latest part.
const MAX_SLOTS: usize = 10_000;
/// Slots walked at most (a per-second schedule after weeks of downtime).
const MAX_WALK: usize = 5_000_000;

#[derive(Clone, Debug, PartialEq)]
pub enum SlotAction {
    /// Run now (subject to the overlap policy).
    Run(RunTrigger),
    /// Run after the runs before it (catch-up `all`).
    Queue(RunTrigger),
    Missed(String),
    Skipped(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub slot: DateTime<Utc>,
    pub action: SlotAction,
}

/// The decisions for a due workflow and its scheduling state afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotPlan {
    pub decisions: Vec<Decision>,
    pub next_run: Option<DateTime<Utc>>,
    pub skip_slot: Option<DateTime<Utc>>,
    pub snooze_slot: Option<DateTime<Utc>>,
    pub snooze_until: Option<DateTime<Utc>>,
    /// A one-time workflow whose slot has been handled.
    pub completed: bool,
}

/// Plans the slots of `workflow` up to `now`. Slots later than `now - grace`
/// are on time; earlier ones were missed (steward was down or late) and follow
/// the catch-up policy.
pub fn plan(
    workflow: &Workflow,
    schedule: &Schedule,
    now: DateTime<Utc>,
    grace: TimeDelta,
) -> SlotPlan {
    let Walked {
        mut slots,
        dropped,
        next,
    } = walk(workflow.next_run, schedule, now);
    let mut decisions = Vec::new();
    if let Some((first, count)) = dropped {
        decisions.push(Decision {
            slot: first,
            action: SlotAction::Missed(format!(
                "missed while steward was not running, with {} more slots after it that are not listed one by one",
                count.saturating_sub(1)
            )),
        });
    }
    let mut snooze_slot = workflow.snooze_slot;
    let mut snooze_until = workflow.snooze_until;
    if let (Some(moved), Some(until)) = (snooze_slot, snooze_until) {
        // The snoozed slot does not fire at its own time ...
        slots.retain(|s| *s != moved);
        // ... but at `until`.
        if until <= now {
            decisions.push(Decision {
                slot: until,
                action: SlotAction::Run(RunTrigger::Snooze),
            });
            snooze_slot = None;
            snooze_until = None;
        }
    }
    let mut skip_slot = workflow.skip_slot;
    if let Some(skip) = skip_slot {
        if slots.contains(&skip) {
            slots.retain(|s| *s != skip);
            decisions.push(Decision {
                slot: skip,
                action: SlotAction::Skipped("skipped on request (skip next)".into()),
            });
            skip_slot = None;
        } else if skip < now - grace {
            skip_slot = None;
        }
    }
    decisions.extend(sort_out(workflow, slots, now, grace));
    decisions.sort_by_key(|d| d.slot);
    let completed = schedule.kind() == "once" && next.is_none() && snooze_until.is_none();
    SlotPlan {
        decisions,
        next_run: next,
        skip_slot,
        snooze_slot,
        snooze_until,
        completed,
    }
}

/// The slots up to now, as [`walk`] found them.
struct Walked {
    slots: Vec<DateTime<Utc>>,
    /// The first slot summed up and how many were.
    dropped: Option<(DateTime<Utc>, usize)>,
    /// The first slot after now.
    next: Option<DateTime<Utc>>,
}

/// The slots from `next` up to `now`; of a huge backlog only the latest
/// MAX_SLOTS are kept one by one, the earlier ones are summed up as the
/// first dropped slot and how many were dropped. Also the next slot after.
fn walk(mut next: Option<DateTime<Utc>>, schedule: &Schedule, now: DateTime<Utc>) -> Walked {
    let mut slots = std::collections::VecDeque::new();
    let mut dropped: Option<(DateTime<Utc>, usize)> = None;
    let mut walked = 0usize;
    while let Some(slot) = next {
        if slot > now {
            break;
        }
        slots.push_back(slot);
        if slots.len() > MAX_SLOTS {
            let first = slots.pop_front().unwrap_or(slot);
            dropped.get_or_insert((first, 0)).1 += 1;
        }
        next = schedule.next_after(slot);
        walked += 1;
        if walked >= MAX_WALK {
            next = schedule.next_after(now);
            break;
        }
    }
    Walked {
        slots: slots.into_iter().collect(),
        dropped,
        next,
    }
}

/// Decides the slots still to run: late ones follow the catch-up policy,
/// on-time ones run (the latest of several due at once).
fn sort_out(
    workflow: &Workflow,
    slots: Vec<DateTime<Utc>>,
    now: DateTime<Utc>,
    grace: TimeDelta,
) -> Vec<Decision> {
    let mut decisions = Vec::new();
    let cutoff = now - grace;
    let (late, on_time): (Vec<_>, Vec<_>) = if workflow.policies.catchup == CatchUp::All {
        // Under 'all' every slot runs, however short the outage: the slots
        // before the current one are caught up even when they are within
        // the on-time grace (a restart of a few seconds, a busy moment).
        let current = slots.last().copied().filter(|slot| *slot >= cutoff);
        slots.into_iter().partition(|slot| Some(*slot) != current)
    } else {
        slots.into_iter().partition(|s| *s < cutoff)
    };
    let queue_on_time = workflow.policies.catchup == CatchUp::All && !late.is_empty();
    decisions.extend(catch_up(workflow, late, !on_time.is_empty(), now));
    let latest_on_time = on_time.last().copied();
    decisions.extend(on_time.into_iter().map(|slot| Decision {
        slot,
        // Behind a catch-up backlog, the current slot waits its turn. Several
        // slots due at once (a short schedule, a busy moment) run the latest.
        action: if queue_on_time {
            SlotAction::Queue(RunTrigger::Schedule)
        } else if Some(slot) == latest_on_time {
            SlotAction::Run(RunTrigger::Schedule)
        } else {
            SlotAction::Missed(
                "came due together with a later slot while steward was busy; the latest one ran"
                    .into(),
            )
        },
    }));
    decisions
}

fn catch_up(
    workflow: &Workflow,
    late: Vec<DateTime<Utc>>,
    on_time_too: bool,
    now: DateTime<Utc>,
) -> Vec<Decision> {
    let policies = &workflow.policies;
    let missed = |slot, reason: &str| Decision {
        slot,
        action: SlotAction::Missed(reason.to_string()),
    };
    if late.is_empty() {
        return Vec::new();
    }
    if on_time_too && policies.catchup != CatchUp::All {
        return late
            .into_iter()
            .map(|s| {
                missed(
                    s,
                    "missed while steward was not running; a newer slot is due now",
                )
            })
            .collect();
    }
    match policies.catchup {
        CatchUp::Skip => late
            .into_iter()
            .map(|s| {
                missed(
                    s,
                    "missed while steward was not running (catch-up policy 'skip')",
                )
            })
            .collect(),
        CatchUp::Latest => {
            let window = TimeDelta::seconds(policies.catchup_window_seconds.max(0));
            let last = *late.last().unwrap_or(&now);
            let run_last = now - last <= window;
            let count = late.len();
            late.into_iter()
                .enumerate()
                .map(|(i, slot)| {
                    if i + 1 == count && run_last {
                        Decision {
                            slot,
                            action: SlotAction::Run(RunTrigger::Catchup),
                        }
                    } else if i + 1 == count {
                        missed(slot, "missed while steward was not running, and older than the catch-up window")
                    } else {
                        missed(slot, "missed while steward was not running (catch-up policy 'latest' runs only the most recent)")
                    }
                })
                .collect()
        }
        CatchUp::All => {
            let keep_from = late.len().saturating_sub(MAX_CATCH_UP_RUNS);
            late.into_iter()
                .enumerate()
                .map(|(i, slot)| {
                    if i >= keep_from {
                        Decision {
                            slot,
                            action: SlotAction::Queue(RunTrigger::Catchup),
                        }
                    } else {
                        missed(slot, "missed while steward was not running (catch-up 'all' runs at most the latest 100)")
                    }
                })
                .collect()
        }
    }
}
