//! The firing loop itself: sleep until the next thing is due or something
//! changed, claim, start what was claimed within the concurrency limit, and
//! stop cleanly on shutdown.

use std::collections::VecDeque;

use super::*;

/// Runs claimed and started by the loop.
struct Firing {
    /// Each run is a task; the set is drained so no task's end goes unread.
    tasks: JoinSet<(i64, RunStatus)>,
    /// Claimed runs beyond the concurrency limit (not parked tasks, which
    /// would each hold memory); `true` marks those that waited past the loop
    /// turn that claimed them.
    pending: VecDeque<(Claimed, bool)>,
    /// How many runs at the back of `pending` are still unmarked: only they
    /// are marked after a turn, so a burst's turns do not each walk the
    /// whole queue (which made a 10,000-run burst quadratic).
    fresh: usize,
    /// Runs started since the loop was last without work.
    burst: usize,
}

/// What one claim turned up.
enum Claim {
    /// More is due than one claim takes: claim again at once.
    More,
    /// The claim failed; it is tried again after a pause.
    Failed,
    /// Everything due is claimed; the next thing is due at this time.
    Until(DateTime<Utc>),
}

impl Firing {
    /// Marks the runs claimed in this turn and not started as waiting.
    fn mark_waited(&mut self) {
        let fresh = self.fresh.min(self.pending.len());
        self.pending
            .iter_mut()
            .rev()
            .take(fresh)
            .for_each(|(_, waited)| *waited = true);
        self.fresh = 0;
    }
}

impl Scheduler {
    /// The loop: claim, start runs, sleep until the next wake, a change or
    /// shutdown. On shutdown it stops claiming, waits up to the grace period
    /// for running runs, then marks the rest interrupted.
    pub async fn run(
        self: Arc<Self>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<(), StoreError> {
        // Renews the leases of held runs while the process lives, through the
        // shutdown grace period too; a crash stops it, and the next claim
        // (here or elsewhere) marks the runs interrupted.
        let heartbeat = tokio::spawn(Arc::clone(&self).heartbeat());
        // Other replicas' changes wake this loop at once (PostgreSQL only).
        let listening = self.store.listen_for_wakes({
            let me = Arc::clone(&self);
            Arc::new(move || me.poke())
        });
        let mut firing = Firing {
            tasks: JoinSet::new(),
            pending: VecDeque::new(),
            fresh: 0,
            burst: 0,
        };
        self.fire(&mut firing, &mut shutdown).await;
        // Runs claimed but never started are left to their leases: the next
        // claim marks them interrupted under their retry policy.
        firing.pending.clear();
        self.drain(firing.tasks).await;
        let result = self.interrupt_left().await;
        heartbeat.abort();
        if let Some(listening) = listening {
            listening.abort();
        }
        let (interrupted, notices) = result?;
        self.send(notices).await;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "runs still going at the end of the grace period were marked interrupted"
            );
        }
        Ok(())
    }

    /// Claims and starts runs until the shutdown signal.
    async fn fire(self: &Arc<Self>, firing: &mut Firing, shutdown: &mut watch::Receiver<bool>) {
        let mut claim_now = true;
        let mut wake_at = self.clock.now();
        while !*shutdown.borrow() {
            if claim_now {
                match self.claim_into(firing).await {
                    Claim::More => continue,
                    Claim::Failed => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    Claim::Until(at) => wake_at = at,
                }
            }
            firing.burst += self.start_pending(&mut firing.pending, &mut firing.tasks);
            firing.mark_waited();
            if firing.burst >= 256 && firing.pending.is_empty() && firing.tasks.is_empty() {
                // The queue and the held set keep their burst-sized capacity;
                // drop it, then return freed pages to the system.
                firing.pending = VecDeque::new();
                if let Ok(mut held) = self.held.lock() {
                    held.shrink_to_fit();
                }
                release_memory();
                firing.burst = 0;
            }
            let sleep_for = (wake_at - self.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            claim_now = true;
            tokio::select! {
                _ = tokio::time::sleep(sleep_for) => {}
                _ = self.wake.notified() => {}
                _ = shutdown.changed() => {}
                Some(done) = firing.tasks.join_next(), if !firing.tasks.is_empty() => {
                    // A run ended: start a waiting one; no claim is due for it.
                    log_task_end(done);
                    claim_now = false;
                }
            }
        }
    }

    /// Claims what is due into `pending` and says when to look again.
    async fn claim_into(self: &Arc<Self>, firing: &mut Firing) -> Claim {
        match self.claim_with_retry(self.clock.now()).await {
            Ok(claimed) => {
                self.store.health().succeeded(Writer::Claims);
                self.send(claimed.notices).await;
                self.hold(claimed.runs.iter().map(|job| job.run.id));
                firing.fresh += claimed.runs.len();
                firing
                    .pending
                    .extend(claimed.runs.into_iter().map(|job| (job, false)));
                if claimed.more {
                    firing.burst += self.start_pending(&mut firing.pending, &mut firing.tasks);
                    return Claim::More;
                }
            }
            Err(error) => {
                tracing::error!(%error, "claim failed; trying again in 1 s");
                self.store.health().failed(Writer::Claims, &error);
                return Claim::Failed;
            }
        }
        let now = self.clock.now();
        let resync =
            now + TimeDelta::from_std(self.config.resync).unwrap_or(TimeDelta::seconds(10));
        Claim::Until(match self.next_wake().await {
            Ok(Some(at)) => at.min(resync),
            Ok(None) => resync,
            Err(error) => {
                tracing::warn!(%error, "could not find the next wake time");
                now + TimeDelta::seconds(1)
            }
        })
    }

    /// Waits up to the grace period for running runs, then cancels the rest.
    async fn drain(&self, mut tasks: JoinSet<(i64, RunStatus)>) {
        tracing::info!(
            running = tasks.len(),
            "stopping: no new runs; waiting for running ones"
        );
        let grace = tokio::time::sleep(self.config.shutdown_grace);
        tokio::pin!(grace);
        while !tasks.is_empty() {
            tokio::select! {
                _ = &mut grace => break,
                Some(done) = tasks.join_next() => log_task_end(done),
            }
        }
        tasks.abort_all();
        while let Some(done) = tasks.join_next().await {
            if let Err(error) = done {
                if !error.is_cancelled() {
                    tracing::error!(%error, "a run task failed");
                }
            }
        }
    }

    /// Marks runs still going (or never started) interrupted; their retry
    /// policy decides whether they run again. Returns how many, and the
    /// notices to send.
    async fn interrupt_left(&self) -> Result<(usize, Vec<Outgoing>), StoreError> {
        let mut tx = self.store.begin_write().await?;
        let now = self.clock.now();
        let interrupted = runs::interrupt_owned(&mut tx, &self.config.node, now).await?;
        let mut notices = Vec::new();
        for run in &interrupted {
            notices.extend(self.handle_interrupted(&mut tx, run, now).await?);
        }
        let notices = outgoing::keep(&mut tx, &*self.notifier, notices, now).await?;
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing the shutdown",
            source,
        })?;
        Ok((interrupted.len(), notices))
    }
}

impl Scheduler {
    /// Starts waiting runs while the concurrency limit has room; returns how
    /// many it started.
    fn start_pending(
        self: &Arc<Self>,
        pending: &mut VecDeque<(Claimed, bool)>,
        tasks: &mut JoinSet<(i64, RunStatus)>,
    ) -> usize {
        // Twice the limit in tasks: as many executing (the semaphore), and as
        // many more past their work, waiting for their end to be committed
        // in the run log's next batch, so the commit's latency does not
        // idle the limit.
        let room = (2 * self.config.max_concurrent_runs.max(1)).saturating_sub(tasks.len());
        let count = room.min(pending.len());
        for _ in 0..count {
            let Some((job, waited)) = pending.pop_front() else {
                break;
            };
            let this = Arc::clone(self);
            tasks.spawn(async move {
                let id = job.run.id;
                (id, this.execute_claimed(job, waited).await)
            });
        }
        count
    }
}

fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only returns free heap pages
    // to the kernel and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn log_task_end(done: Result<(i64, RunStatus), tokio::task::JoinError>) {
    match done {
        Ok((run, status)) => tracing::debug!(run, %status, "run ended"),
        Err(error) => tracing::error!(%error, "a run task panicked or was cancelled"),
    }
}
