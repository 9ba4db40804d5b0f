//! What the firing loop holds between turns: the run tasks, the runs
//! waiting for room, the slots claimed ahead, and whether runs are starting
//! (a claim waits for them).

use std::collections::VecDeque;

use super::*;

/// Runs claimed and started by the loop.
pub(super) struct Firing {
    /// Each run is a task; the set is drained so no task's end goes unread.
    pub(super) tasks: JoinSet<(i64, RunStatus)>,
    /// Claimed runs beyond the concurrency limit (not parked tasks, which
    /// would each hold memory); `true` marks those that waited past the loop
    /// turn that claimed them.
    pub(super) pending: VecDeque<(Claimed, bool)>,
    /// How many runs at the back of `pending` are still unmarked: only they
    /// are marked after a turn, so a burst's turns do not each walk the
    /// whole queue (which made a 10,000-run burst quadratic).
    pub(super) fresh: usize,
    /// Runs started since the loop was last without work.
    pub(super) burst: usize,
    /// Runs claimed ahead of their slots, started at them.
    pub(super) timed: super::ahead::Timed,
    /// The next slot's runs, checked a moment before it.
    pub(super) checked: Option<super::ahead::Checked>,
    /// What the last check before a slot took per run.
    pub(super) check_per_run: Duration,
    /// When the loop last started runs.
    pub(super) last_start: Option<DateTime<Utc>>,
}

/// A claim waits while runs are starting or a slot claimed ahead is this
/// close, so its work (loading and planning workflows, holding the writer)
/// does not delay their starts; slots are claimed two seconds ahead, so it
/// has time to wait.
pub(super) const QUIET_BEFORE_SLOT: TimeDelta = TimeDelta::milliseconds(100);
/// A claim also waits until no run was started for this long: runs just
/// started are still executing their first steps.
pub(super) const QUIET_AFTER_STARTS: TimeDelta = TimeDelta::milliseconds(30);

impl Firing {
    /// Whether runs are starting or about to: a claim now would hold them up.
    pub(super) fn starting(&self, now: DateTime<Utc>) -> bool {
        !self.pending.is_empty()
            || self.checked.is_some()
            || self
                .timed
                .next_at()
                .is_some_and(|at| at <= now + QUIET_BEFORE_SLOT)
            || self
                .last_start
                .is_some_and(|at| now - at < QUIET_AFTER_STARTS)
    }

    /// Whether a slot's runs are starting this moment: checked, due, or
    /// being handed out.
    pub(super) fn slot_starting(&self, now: DateTime<Utc>) -> bool {
        self.checked.is_some()
            || self.timed.next_at().is_some_and(|at| at <= now)
            || (!self.pending.is_empty()
                && self
                    .last_start
                    .is_some_and(|at| now - at < QUIET_AFTER_STARTS))
    }

    /// When the loop next has runs to check or start.
    pub(super) fn next_slot(&self) -> Option<DateTime<Utc>> {
        match &self.checked {
            Some(checked) => Some(checked.at),
            None => self.timed.next_at().map(|at| at - self.check_ahead()),
        }
    }

    /// Counts `count` runs started at `now`.
    pub(super) fn started(&mut self, count: usize, now: DateTime<Utc>) {
        if count > 0 {
            self.burst += count;
            self.last_start = Some(now);
        }
    }

    /// Marks the runs claimed in this turn and not started as waiting.
    pub(super) fn mark_waited(&mut self) {
        let fresh = self.fresh.min(self.pending.len());
        self.pending
            .iter_mut()
            .rev()
            .take(fresh)
            .for_each(|(_, waited)| *waited = true);
        self.fresh = 0;
    }
}
