//! The firing loop itself: sleep until the next thing is due or something
//! changed, claim, start what was claimed within the concurrency limit, and
//! stop cleanly on shutdown.

use super::*;

impl Scheduler {
    /// The loop: claim, start runs, sleep until the next wake, a change or
    /// shutdown. On shutdown it stops claiming, waits up to the grace period
    /// for running runs, then marks the rest interrupted.
    pub async fn run(
        self: Arc<Self>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<(), StoreError> {
        // Renews the leases of this process's runs while it lives; a crash
        // stops the renewals and the next claim (here or elsewhere) marks the
        // runs interrupted.
        // Renews the leases of held runs while the process lives, through the
        // shutdown grace period too; a crash stops it, and the next claim
        // (here or elsewhere) marks the runs interrupted.
        let heartbeat = tokio::spawn(Arc::clone(&self).heartbeat());
        // Each run is a task; the set is drained so no task's end goes unread.
        // Claimed runs beyond the concurrency limit wait in `pending` (not as
        // parked tasks, which would each hold memory); `true` marks those that
        // waited past the loop turn that claimed them.
        let mut tasks: JoinSet<(i64, RunStatus)> = JoinSet::new();
        let mut pending: std::collections::VecDeque<(Claimed, bool)> = Default::default();
        // Runs started since the loop was last without work.
        let mut burst = 0usize;
        let mut claim_now = true;
        let mut wake_at = self.clock.now();
        loop {
            if *shutdown.borrow() {
                break;
            }
            if claim_now {
                match self.claim_with_retry(self.clock.now()).await {
                    Ok(claimed) => {
                        self.store.health().succeeded(Writer::Claims);
                        self.send(claimed.notices).await;
                        self.hold(claimed.runs.iter().map(|job| job.run.id));
                        pending.extend(claimed.runs.into_iter().map(|job| (job, false)));
                        if claimed.more {
                            burst += self.start_pending(&mut pending, &mut tasks);
                            continue;
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "claim failed; trying again in 1 s");
                        self.store.health().failed(Writer::Claims, &error);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
                let now = self.clock.now();
                let resync =
                    now + TimeDelta::from_std(self.config.resync).unwrap_or(TimeDelta::seconds(10));
                wake_at = match self.next_wake().await {
                    Ok(Some(at)) => at.min(resync),
                    Ok(None) => resync,
                    Err(error) => {
                        tracing::warn!(%error, "could not find the next wake time");
                        now + TimeDelta::seconds(1)
                    }
                };
            }
            burst += self.start_pending(&mut pending, &mut tasks);
            pending.iter_mut().for_each(|(_, waited)| *waited = true);
            if burst >= 256 && pending.is_empty() && tasks.is_empty() {
                // The queue and the held set keep their burst-sized capacity;
                // drop it, then return freed pages to the system.
                pending = Default::default();
                if let Ok(mut held) = self.held.lock() {
                    held.shrink_to_fit();
                }
                release_memory();
                burst = 0;
            }
            let sleep_for = (wake_at - self.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            claim_now = true;
            tokio::select! {
                _ = tokio::time::sleep(sleep_for) => {}
                _ = self.wake.notified() => {}
                _ = shutdown.changed() => {}
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    // A run ended: start a waiting one; no claim is due for it.
                    log_task_end(done);
                    claim_now = false;
                }
            }
        }
        // Runs claimed but never started are left to their leases: the next
        // claim marks them interrupted under their retry policy.
        pending.clear();
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
        // Runs still going (or never started) are marked interrupted; their
        // retry policy decides whether they run again.
        let result = async {
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
            Ok::<_, StoreError>((interrupted.len(), notices))
        }
        .await;
        heartbeat.abort();
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
}

impl Scheduler {
    /// Starts waiting runs while the concurrency limit has room; returns how
    /// many it started.
    fn start_pending(
        self: &Arc<Self>,
        pending: &mut std::collections::VecDeque<(Claimed, bool)>,
        tasks: &mut JoinSet<(i64, RunStatus)>,
    ) -> usize {
        let room = self
            .config
            .max_concurrent_runs
            .max(1)
            .saturating_sub(tasks.len());
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
