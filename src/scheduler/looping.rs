//! The firing loop itself: sleep until the next thing is due or something
//! changed, claim, start what was claimed within the concurrency limit, and
//! stop cleanly on shutdown.

use std::collections::VecDeque;

use super::firing::Firing;
use super::*;

/// A claim made beside the loop: when it was made, its runs, and when to
/// claim next.
struct ClaimTurn {
    at: DateTime<Utc>,
    runs: Vec<Claimed>,
    next: Claim,
}

/// Runs past their work waiting for their end's commit, besides those
/// executing: each holds its claimed run and outcome, a few kilobytes.
pub(super) const FINISHING_ROOM: usize = 1_024;

/// The same on PostgreSQL, where replicas take turns writing their run
/// logs (one write lock across them) and each commit travels to the
/// server: with 1,024, three replicas' burst of 10,000 waited on commits
/// to start its last runs (715-1,013 ms); with 4,096, 285 ms.
pub(super) const SHARED_FINISHING_ROOM: usize = 4_096;

/// The longest a claim waits for that quiet.
const CLAIM_DEFER_MAX: TimeDelta = TimeDelta::milliseconds(300);
/// A claim for more of what is due (one that cannot wait) still lets a
/// slot starting this moment go first, for at most this long: claimed at
/// the slot, it held the first seconds of 1,000 per-second workflows to
/// 15-17 ms on PostgreSQL.
const URGENT_DEFER_MAX: TimeDelta = TimeDelta::milliseconds(20);

/// What one claim turned up.
enum Claim {
    /// More is due than one claim takes: claim again at once.
    More,
    /// The claim failed; it is tried again after a pause.
    Failed,
    /// Everything due is claimed; the next thing is due at this time.
    Until(DateTime<Utc>),
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
            timed: Default::default(),
            checked: None,
            check_per_run: Duration::from_micros(3),
            last_start: None,
        };
        self.fire(&mut firing, &mut shutdown).await;
        // Runs claimed but never started are left to their leases: the next
        // claim marks them interrupted under their retry policy. Runs claimed
        // ahead of their slots are given back.
        self.begun(firing.pending.len());
        firing.pending.clear();
        if let Some(checked) = firing.checked.take() {
            checked.into_runs().for_each(|job| firing.timed.add(job));
        }
        self.give_back(std::mem::take(&mut firing.timed)).await;
        self.drain(firing.tasks).await;
        // Runs aborted before they began hold the run log no longer.
        self.begun(usize::MAX);
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

    /// Claims and starts runs until the shutdown signal. A claim runs beside
    /// the loop, so runs claimed ahead start at their slots while the next
    /// claim is written.
    async fn fire(self: &Arc<Self>, firing: &mut Firing, shutdown: &mut watch::Receiver<bool>) {
        let mut claim_now = true;
        // Since when a wanted claim has waited for runs to start.
        let mut deferred: Option<DateTime<Utc>> = None;
        // The last claim left more due: the next one waits for nothing.
        let mut urgent = false;
        let mut wake_at = self.clock.now();
        let mut claiming: Option<tokio::task::JoinHandle<ClaimTurn>> = None;
        let slot_timer = super::slot_timer::SlotTimer::new();
        while !*shutdown.borrow() {
            // A claim is due at `wake_at` or when something changed; a run
            // ending or a slot claimed ahead coming up needs none. It lets
            // runs starting now go first.
            let now = self.clock.now();
            if claim_now && claiming.is_none() {
                let since = *deferred.get_or_insert(now);
                let wait = if urgent {
                    firing.slot_starting(now) && now - since < URGENT_DEFER_MAX
                } else {
                    firing.starting(now) && now - since < CLAIM_DEFER_MAX
                };
                if !wait {
                    claiming = Some(tokio::spawn(Arc::clone(self).claim_once()));
                    (claim_now, urgent, deferred) = (false, false, None);
                }
            }
            let due = self.slot_runs(firing, now).await;
            self.to_start(due.len());
            firing.fresh += due.len();
            firing
                .pending
                .extend(due.into_iter().map(|job| (job, true)));
            let started = self.start_pending(&mut firing.pending, &mut firing.tasks);
            firing.started(started, self.clock.now());
            if !firing.pending.is_empty() && self.room(&firing.tasks) == 0 {
                // Runs wait for ends to be written: the run log may not wait.
                self.store.log().hold(false);
            }
            firing.mark_waited();
            if firing.burst >= 256
                && firing.pending.is_empty()
                && firing.tasks.is_empty()
                && firing.timed.is_empty()
                && firing.checked.is_none()
                && claiming.is_none()
            {
                // The queue and the held set keep their burst-sized capacity;
                // drop it, then return freed pages to the system.
                firing.pending = VecDeque::new();
                if let Ok(mut held) = self.held.lock() {
                    held.shrink_to_fit();
                }
                self.engine.plans.clear();
                let store = self.store.clone();
                tokio::spawn(async move {
                    store.shrink_memory().await;
                    crate::memory::release();
                });
                firing.burst = 0;
            }
            let now = self.clock.now();
            let until = |at: DateTime<Utc>| (at - now).to_std().unwrap_or(Duration::ZERO);
            let next_slot = firing.next_slot();
            let waiting_claim = claim_now && claiming.is_none();
            let most = if urgent {
                URGENT_DEFER_MAX
            } else {
                CLAIM_DEFER_MAX
            };
            let give_up_waiting = deferred.map_or(now, |since| since + most);
            tokio::select! {
                _ = tokio::time::sleep(until(wake_at)), if claiming.is_none() && !claim_now => claim_now = true,
                // A claim waiting for runs to start waits no longer than this.
                _ = tokio::time::sleep(until(give_up_waiting)), if waiting_claim => {}
                _ = self.wake.notified() => claim_now = true,
                _ = shutdown.changed() => {}
                // A slot claimed ahead is near (its runs are checked above) or
                // has come (they start).
                _ = slot_timer.sleep(until(next_slot.unwrap_or(now))), if next_slot.is_some() => {}
                Some(done) = firing.tasks.join_next(), if !firing.tasks.is_empty() => {
                    // A run ended: its room goes to a waiting one (above).
                    log_task_end(done);
                }
                done = async { claiming.as_mut().expect("guarded").await }, if claiming.is_some() => {
                    claiming = None;
                    match self.take_claimed(firing, done) {
                        // More is due: claimed at once, not deferred.
                        Claim::More => (claim_now, urgent) = (true, true),
                        Claim::Failed => wake_at = self.clock.now() + TimeDelta::seconds(1),
                        Claim::Until(at) => wake_at = at,
                    }
                }
            }
        }
        // A claim under way at shutdown: its runs are this process's.
        if let Some(claiming) = claiming {
            self.take_claimed(firing, claiming.await);
        }
    }

    /// Files a claim's runs: those due now to start, those claimed ahead to
    /// wait for their slots.
    fn take_claimed(
        &self,
        firing: &mut Firing,
        done: Result<ClaimTurn, tokio::task::JoinError>,
    ) -> Claim {
        let claimed = match done {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::error!(%error, "a claim task failed; trying again in 1 s");
                return Claim::Failed;
            }
        };
        for job in claimed.runs {
            if job.run.scheduled_for > claimed.at && !job.resumed {
                firing.timed.add(job);
            } else {
                self.to_start(1);
                firing.fresh += 1;
                firing.pending.push_back((job, false));
            }
        }
        claimed.next
    }

    /// One claim, and when to claim next.
    async fn claim_once(self: Arc<Self>) -> ClaimTurn {
        let now = self.clock.now();
        let horizon = now + self.ahead();
        let claimed = match self.claim_with_retry(now, horizon).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::error!(%error, "claim failed; trying again in 1 s");
                self.store.health().failed(Writer::Claims, &error);
                return ClaimTurn {
                    at: now,
                    runs: Vec::new(),
                    next: Claim::Failed,
                };
            }
        };
        self.store.health().succeeded(Writer::Claims);
        self.send(claimed.notices).await;
        self.hold(claimed.runs.iter().map(|job| job.run.id));
        let next = if claimed.more {
            Claim::More
        } else {
            Claim::Until(self.next_claim_at().await)
        };
        ClaimTurn {
            at: now,
            runs: claimed.runs,
            next,
        }
    }

    /// When to claim next.
    async fn next_claim_at(&self) -> DateTime<Utc> {
        let now = self.clock.now();
        let resync =
            now + TimeDelta::from_std(self.config.resync).unwrap_or(TimeDelta::seconds(10));
        // Slots are claimed from the look-ahead before them, so a large
        // batch due together (10,000 at 9:00) has all of it to be claimed
        // in, and at most every quarter of it (each claim takes one slot a
        // workflow, so a per-second workflow's next slot is often already
        // inside the look-ahead). A slot left to its time (a one-time
        // workflow's) is claimed at it.
        let ahead = self.ahead();
        let slot_claim = |slot: DateTime<Utc>| slot.min((slot - ahead).max(now + ahead / 4));
        match self.next_claim(slot_claim).await {
            Ok(Some(at)) => at.min(resync),
            Ok(None) => resync,
            Err(error) => {
                tracing::warn!(%error, "could not find the next wake time");
                now + TimeDelta::seconds(1)
            }
        }
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

fn log_task_end(done: Result<(i64, RunStatus), tokio::task::JoinError>) {
    match done {
        Ok((run, status)) => tracing::debug!(run, %status, "run ended"),
        Err(error) => tracing::error!(%error, "a run task panicked or was cancelled"),
    }
}
