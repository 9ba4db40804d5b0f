//! Starting claimed runs: each takes its place under the concurrency limit
//! before its task is spawned, so runs beyond the limit wait in the loop's
//! queue as data, not as parked tasks; and giving memory back after a burst.

use std::collections::VecDeque;

use super::looping::FINISHING_ROOM;
use super::*;

impl Scheduler {
    /// Starts waiting runs while the concurrency limit has room (`first`: a
    /// place already taken); returns how many it started. A run's place is
    /// taken before its task is spawned: runs beyond the limit wait in
    /// `pending`, not as tasks.
    pub(super) fn start_pending(
        self: &Arc<Self>,
        pending: &mut VecDeque<(Claimed, bool)>,
        tasks: &mut JoinSet<(i64, RunStatus)>,
        mut first: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> usize {
        // Tasks are the runs executing (at most the limit: the semaphore)
        // and runs past their work, waiting for their end to be committed
        // in the run log's next batch, so the commit's latency (longer while
        // a claim holds the writer) does not idle the limit. With room for
        // only as many finishing as executing, 1,000 runs a second waited
        // here 50-100 ms for commits while each ran in under 1 ms.
        let room = self.room(tasks);
        let mut count = 0;
        while count < room && !pending.is_empty() {
            let permit = match first.take() {
                Some(permit) => permit,
                None => match Arc::clone(&self.limiter).try_acquire_owned() {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let Some((job, waited)) = pending.pop_front() else {
                break;
            };
            let this = Arc::clone(self);
            tasks.spawn(async move {
                let id = job.run.id;
                // A run that sat in the queue after its claim (or was
                // claimed ahead) has its start stamped as it begins.
                if waited {
                    this.store.log().started(id, this.clock.now());
                }
                (id, this.execute_started(job, Some(permit)).await)
            });
            count += 1;
        }
        count
    }
}

impl Scheduler {
    /// How many more run tasks the loop may have: those executing and
    /// those finishing.
    pub(super) fn room(&self, tasks: &JoinSet<(i64, RunStatus)>) -> usize {
        (self.config.max_concurrent_runs.max(1) + FINISHING_ROOM).saturating_sub(tasks.len())
    }
}

/// Gives memory freed after a burst of runs back to the system. glibc keeps
/// freed pages in its arenas, so after 10,000 runs the resident size would stay
/// at its peak though nothing uses that memory.
pub(super) fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only returns free heap pages
    // to the kernel and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
