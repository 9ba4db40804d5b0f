//! Starting claimed runs: a task each, as many as the loop has room for,
//! each taking its place under the concurrency limit as it begins; and
//! giving memory back after a burst.

use std::collections::VecDeque;

use super::*;

impl Scheduler {
    /// Starts waiting runs while the loop has room for their tasks; returns
    /// how many it started. Each task takes its place under the concurrency
    /// limit as it begins, waiting for one if none is free: a run ending hands its place to the
    /// next waiting task directly, on the same core, without a turn of the
    /// loop. Runs beyond the room wait in `pending` as data, not as tasks.
    pub(super) fn start_pending(
        self: &Arc<Self>,
        pending: &mut VecDeque<(Claimed, bool)>,
        tasks: &mut JoinSet<(i64, RunStatus)>,
    ) -> usize {
        // Tasks are the runs executing or waiting for a place (at most the
        // room) and runs past their work, waiting for their end to be
        // committed in the run log's next batch, so the commit's latency
        // (longer while a claim holds the writer) does not idle the limit.
        let room = self.room(tasks);
        let mut count = 0;
        while count < room {
            let Some((job, waited)) = pending.pop_front() else {
                break;
            };
            let this = Arc::clone(self);
            tasks.spawn(async move {
                let id = job.run.id;
                let permit = this.take_place(id, waited).await;
                this.begun(1);
                // Boxed: the run's future is kilobytes, and moving it into
                // each task as it is spawned would be the loop's main cost
                // when a thousand runs share a slot.
                (id, Box::pin(this.execute_started(job, permit)).await)
            });
            count += 1;
        }
        count
    }
}

impl Scheduler {
    /// Counts `count` runs handed to the loop to start: until they have all
    /// begun, the run log's writer holds off, so their starts have the
    /// cores.
    pub(super) fn to_start(&self, count: usize) {
        use std::sync::atomic::Ordering;
        if count > 0 && self.to_begin.fetch_add(count, Ordering::SeqCst) == 0 {
            self.store.log().hold(true);
        }
    }

    /// Counts `count` of them begun (or dropped).
    pub(super) fn begun(&self, count: usize) {
        use std::sync::atomic::Ordering;
        let before = self
            .to_begin
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_sub(count))
            })
            .unwrap_or(0);
        if count > 0 && before <= count {
            self.store.log().hold(false);
        }
    }

    /// How many more run tasks the loop may have: those executing and
    /// those finishing.
    pub(super) fn room(&self, tasks: &JoinSet<(i64, RunStatus)>) -> usize {
        (self.config.max_concurrent_runs.max(1) + self.finishing_room).saturating_sub(tasks.len())
    }
}
