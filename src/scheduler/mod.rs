//! The durable firing loop (DESIGN §4): claims due slots in one write
//! transaction, applies catch-up and overlap policies, recovers runs of dead
//! processes, retries, auto-pauses, and sleeps until the next thing is due.

mod claim;
mod outgoing;
mod slots;

use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;

use crate::backoff::{retry, Backoff};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::store::health::Writer;
use crate::store::log_writer::Finished;
use crate::store::outbox::Waiting;
use crate::store::{approvals, runs, workflows, Store, StoreError};
use crate::workflow::clip;
use crate::workflow::notify::{Notice, Notifier};
use crate::workflow::run::agent_answer;
use crate::workflow::{Run, RunStatus, Workflow};

pub use claim::ClaimResult;
pub use outgoing::Outgoing;
pub use slots::{plan as plan_slots, Decision, SlotAction, SlotPlan};

/// Failed runs in a row after which a workflow pauses itself.
pub const AUTO_PAUSE_AFTER: i64 = 5;

/// Tuning of the loop.
#[derive(Clone, Debug)]
pub struct SchedulerConfig {
    /// This process's name on leases.
    pub node: String,
    /// How long a run's lease holds without renewal; a process dead for longer
    /// has its runs marked interrupted.
    pub lease: Duration,
    /// Slots this late still count as on time; older ones were missed.
    pub on_time_grace: Duration,
    pub max_concurrent_runs: usize,
    /// The longest sleep, so changes made by other processes (the admin CLI,
    /// a second replica) are seen.
    pub resync: Duration,
    /// Due workflows taken per claim transaction.
    pub claim_batch: i64,
    /// How long shutdown waits for running runs.
    pub shutdown_grace: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            node: format!("steward-{}", std::process::id()),
            lease: Duration::from_secs(30),
            on_time_grace: Duration::from_secs(60),
            max_concurrent_runs: 64,
            resync: Duration::from_secs(10),
            claim_batch: 5_000,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Tries of a write the database was too busy for, and the waits between.
const BUSY_TRIES: u32 = 8;
const BUSY_BACKOFF: Backoff = Backoff::new(Duration::from_millis(50), Duration::from_secs(2));

/// A run to execute and its workflow.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub run: Run,
    pub workflow: Workflow,
    /// A run that executed before (a retry, or resumed after an approval):
    /// its recorded steps are read so finished ones are not repeated.
    pub resumed: bool,
}

pub struct Scheduler {
    pub store: Store,
    pub engine: Arc<Engine>,
    pub clock: Arc<dyn Clock>,
    pub notifier: Arc<dyn Notifier>,
    pub config: SchedulerConfig,
    /// Woken by changes in this process (a run finished, a workflow changed).
    wake: Arc<Notify>,
    limiter: Arc<Semaphore>,
    /// Runs this process holds (claimed and not yet recorded as ended); only
    /// their leases are renewed.
    held: std::sync::Mutex<std::collections::HashSet<i64>>,
}

/// What one simulated tick did (tests).
#[derive(Debug, Default, Clone)]
pub struct TickReport {
    pub executed: Vec<(i64, RunStatus)>,
}

impl Scheduler {
    pub fn new(
        store: Store,
        engine: Arc<Engine>,
        clock: Arc<dyn Clock>,
        notifier: Arc<dyn Notifier>,
        config: SchedulerConfig,
    ) -> Scheduler {
        let limiter = Arc::new(Semaphore::new(config.max_concurrent_runs.max(1)));
        Scheduler {
            store,
            engine,
            clock,
            notifier,
            config,
            wake: Arc::new(Notify::new()),
            limiter,
            held: Default::default(),
        }
    }

    fn lease(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.lease).unwrap_or(TimeDelta::seconds(30))
    }

    fn grace(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.on_time_grace).unwrap_or(TimeDelta::seconds(60))
    }

    fn held_ids(&self) -> Vec<i64> {
        self.held
            .lock()
            .map(|held| held.iter().copied().collect())
            .unwrap_or_default()
    }

    fn hold(&self, ids: impl IntoIterator<Item = i64>) {
        if let Ok(mut held) = self.held.lock() {
            held.extend(ids);
        }
    }

    fn release(&self, id: i64) {
        if let Ok(mut held) = self.held.lock() {
            held.remove(&id);
        }
    }

    /// Renews the leases of the runs this process holds, every third of the
    /// lease, until aborted. `steward serve` runs it for its whole life (also
    /// through the shutdown grace period); `workflows run` while it executes.
    pub async fn heartbeat(self: Arc<Self>) {
        let every = (self.config.lease / 3).max(Duration::from_millis(200));
        loop {
            tokio::time::sleep(every).await;
            let ids = self.held_ids();
            if ids.is_empty() {
                continue;
            }
            let until = self.clock.now() + self.lease();
            let result = async {
                let mut conn = self.store.connection().await?;
                runs::renew_leases(&mut conn, &self.config.node, &ids, until).await
            }
            .await;
            match result {
                Ok(_) => self.store.health().succeeded(Writer::Leases),
                Err(error) => {
                    tracing::warn!(%error, "could not renew run leases");
                    self.store.health().failed(Writer::Leases, &error);
                }
            }
        }
    }

    /// Wakes the loop: something changed.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Claims what is due at `now` and executes it to the end, again until
    /// nothing more is due at `now` (queued runs start after the ones before
    /// them). For simulations with a [`crate::clock::ManualClock`].
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
        let mut report = TickReport::default();
        for _ in 0..10_000 {
            let claimed = self.claim_with_retry(now).await?;
            self.send(claimed.notices).await;
            if claimed.runs.is_empty() && !claimed.more {
                break;
            }
            for job in claimed.runs {
                let id = job.run.id;
                let status = self.execute(job).await;
                report.executed.push((id, status));
            }
        }
        Ok(report)
    }

    /// A claim, retried while the database is busy (another writer holds the
    /// lock longer than the busy timeout).
    async fn claim_with_retry(&self, now: DateTime<Utc>) -> Result<ClaimResult, StoreError> {
        retry(
            BUSY_TRIES,
            BUSY_BACKOFF,
            || self.claim(now),
            |error: &StoreError| {
                let busy = error.is_busy();
                if busy {
                    tracing::warn!(%error, "database busy while claiming; retrying");
                }
                busy
            },
        )
        .await
    }

    /// Executes a claimed run under the concurrency limit and records its end.
    pub async fn execute(&self, job: Claimed) -> RunStatus {
        self.hold([job.run.id]);
        self.execute_claimed(job, false).await
    }

    /// `waited`: the run sat in the loop's queue after its claim, so its start
    /// is stamped again when it really begins.
    async fn execute_claimed(&self, job: Claimed, waited: bool) -> RunStatus {
        let (_permit, stamp) = match self.limiter.try_acquire() {
            Ok(permit) => (Some(permit), waited),
            Err(_) => (self.limiter.acquire().await.ok(), true),
        };
        if stamp {
            self.store.log().started(job.run.id, self.clock.now());
        }
        let outcome = self
            .engine
            .execute_run(&job.run, &job.workflow, job.resumed)
            .await;
        let status = outcome.status;
        let finished = retry(
            BUSY_TRIES,
            BUSY_BACKOFF,
            || self.finish(&job, &outcome),
            StoreError::is_busy,
        )
        .await;
        match finished {
            Ok((notices, wake)) => {
                self.send(notices).await;
                if wake {
                    self.poke();
                }
            }
            Err(error) => {
                tracing::error!(%error, run = job.run.id, "could not record a run's result; its lease will expire and mark it interrupted");
            }
        }
        self.release(job.run.id);
        status
    }

    /// Records a run's end: result, retry, failure streak, auto-pause. Also
    /// says whether the loop should wake (a retry, a wait, or a queued run of
    /// the workflow now needs it).
    async fn finish(
        &self,
        job: &Claimed,
        outcome: &crate::engine::RunOutcome,
    ) -> Result<(Vec<Outgoing>, bool), StoreError> {
        let (run, workflow) = (&job.run, &job.workflow);
        let now = self.clock.now();
        let node = self.config.node.as_str();
        let can_queue = workflow.policies.overlap == crate::workflow::Overlap::Queue
            || workflow.policies.catchup == crate::workflow::CatchUp::All;
        if outcome.status == RunStatus::Succeeded {
            return self.finish_success(job, outcome, can_queue).await;
        }
        // Step results go through the run-log writer; they are written
        // before the run's end is.
        self.store.log().flush().await?;
        let mut tx = self.store.begin_write().await?;
        let mut notices = Vec::new();
        let mut wake = false;
        match outcome.status {
            RunStatus::Waiting => {
                runs::wait(&mut tx, run.id, node).await?;
                wake = true;
            }
            // Recorded by `finish_success`.
            RunStatus::Succeeded => {}
            status => {
                let error = outcome.error.clone().unwrap_or_else(|| "failed".into());
                let retries = workflow.policies.retries;
                if (run.attempt as u32) <= retries && status != RunStatus::Guardrail {
                    let at = now
                        + TimeDelta::seconds(workflow.policies.backoff_seconds(run.attempt as u32));
                    wake = runs::retry_later(&mut tx, run.id, Some(node), at, status, &error, now)
                        .await?;
                } else if runs::finish(
                    &mut tx,
                    run.id,
                    node,
                    status,
                    outcome.output.as_ref(),
                    Some(&error),
                    &outcome.usage,
                    now,
                )
                .await?
                {
                    notices.push(Notice::RunFinished {
                        audience: claim::audience(workflow),
                        run_id: run.id,
                        status,
                        summary: format!("{status}: {error}"),
                    });
                    let streak = workflows::record_outcome(&mut tx, workflow.id, true).await?;
                    if streak >= AUTO_PAUSE_AFTER {
                        notices.extend(
                            self.auto_pause(&mut tx, workflow, streak, &error, now)
                                .await?,
                        );
                    }
                }
            }
        }
        if !wake && can_queue {
            wake = runs::live_counts(&mut tx, workflow.id).await?.1 > 0;
        }
        let outgoing = outgoing::keep(&mut tx, &*self.notifier, notices, now).await?;
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing a run's result",
            source,
        })?;
        Ok((outgoing, wake))
    }

    /// The common case, through the run-log writer: the result, the
    /// failure-streak reset and the notice are written with other runs' in
    /// one transaction.
    async fn finish_success(
        &self,
        job: &Claimed,
        outcome: &crate::engine::RunOutcome,
        can_queue: bool,
    ) -> Result<(Vec<Outgoing>, bool), StoreError> {
        let (run, workflow) = (&job.run, &job.workflow);
        let now = self.clock.now();
        // A scheduled run that already sent its messages stays quiet; one run
        // by hand, or one that said nothing, reports its result.
        let notice = (run.trigger == "manual" || outcome.usage.messages == 0)
            .then(|| success_notice(workflow, run.id, outcome));
        let kept = notice.as_ref().and_then(|n| self.notifier.keep(n));
        let row = kept
            .as_ref()
            .map(|k| Waiting::of(k, workflow.id, Some(run.id)));
        let finished = self
            .store
            .log()
            .succeeded(
                run.id,
                &self.config.node,
                outcome.output.as_ref(),
                &outcome.usage,
                now,
                row,
            )
            .await?;
        let mut outgoing = Vec::new();
        if let (Finished::Recorded { outbox_id }, Some(notice)) = (finished, notice) {
            let kept = kept.zip(outbox_id);
            outgoing.push(Outgoing::kept(notice, kept));
        }
        let wake = can_queue && {
            let mut conn = self.store.connection().await?;
            runs::live_counts(&mut conn, workflow.id).await?.1 > 0
        };
        Ok((outgoing, wake))
    }

    async fn send(&self, outgoing: Vec<Outgoing>) {
        outgoing::send(&*self.notifier, outgoing).await;
    }

    /// The earliest instant something is due: a slot, a snoozed occurrence, a
    /// retry, a lease to expire, an approval to expire.
    pub async fn next_wake(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let pool = self.store.pool();
        let candidates = [
            workflows::next_wake(pool).await?,
            runs::next_wake(pool).await?,
            approvals::next_expiry(pool).await?,
        ];
        Ok(candidates.into_iter().flatten().min())
    }

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

/// Gives memory freed after a burst of runs back to the system. glibc keeps
/// freed pages in its arenas, so after 10,000 runs the resident size would stay
/// at its peak though nothing uses that memory.
/// What a successful run tells its home chat.
fn success_notice(workflow: &Workflow, run_id: i64, outcome: &crate::engine::RunOutcome) -> Notice {
    let took = format!(
        "succeeded in {:.1} s",
        outcome.usage.duration_ms as f64 / 1000.0
    );
    Notice::RunFinished {
        audience: claim::audience(workflow),
        run_id,
        status: RunStatus::Succeeded,
        summary: match outcome.output.as_ref().and_then(agent_answer) {
            Some(answer) => format!("{took}: {}", clip(&answer, 1_000)),
            None => took,
        },
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
