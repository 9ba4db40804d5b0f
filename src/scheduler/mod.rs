//! The durable firing loop (DESIGN §4): claims due slots in one write
//! transaction, applies catch-up and overlap policies, recovers runs of dead
//! processes, retries, auto-pauses, and sleeps until the next thing is due.

mod ahead;
mod claim;
mod failures;
mod finish;
mod firing;
mod looping;
mod outgoing;
mod run_metrics;
mod slot_timer;
mod slots;
mod starting;

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
    /// How far ahead of its slot a workflow's next run is claimed; the run
    /// starts at its slot. Claims are made when the next slot is this far
    /// away, so claims of many runs due together have that long.
    pub claim_ahead: Duration,
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
            claim_ahead: Duration::from_secs(2),
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
    /// Shared, not copied: a claim hands many runs from one batch of
    /// workflows to the loop, and each run's task carries its own.
    pub workflow: Arc<Workflow>,
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
    /// Whether any workflow has a completion trigger, and when that was
    /// last looked at (ms); a change in this process forgets it.
    followers: Followers,
    /// Counts changes made known to this process ([`Scheduler::poke`]):
    /// runs checked before their slot are checked again at it when this
    /// moved.
    changes: std::sync::atomic::AtomicU64,
    /// Runs handed to the loop to start that have not begun; while there
    /// are any, the run log's writer holds off.
    to_begin: std::sync::atomic::AtomicUsize,
    /// Runs starting and ending here, for the dashboard's live pages.
    pub events: crate::events::RunEvents,
    metrics: run_metrics::RunMetrics,
    /// How many runs past their work may wait for their end's commit.
    finishing_room: usize,
}

#[derive(Default)]
struct Followers {
    any: std::sync::atomic::AtomicBool,
    checked_at: std::sync::atomic::AtomicI64,
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
        let finishing_room = if crate::store::pool_is_postgres(store.pool()) {
            looping::SHARED_FINISHING_ROOM
        } else {
            looping::FINISHING_ROOM
        };
        Scheduler {
            finishing_room,
            store,
            engine,
            clock,
            notifier,
            config,
            wake: Arc::new(Notify::new()),
            limiter,
            held: Default::default(),
            followers: Followers::default(),
            changes: Default::default(),
            to_begin: Default::default(),
            events: Default::default(),
            metrics: Default::default(),
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
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.followers
            .checked_at
            .store(0, std::sync::atomic::Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// Claims what is due at `now` and executes it to the end, again until
    /// nothing more is due at `now` (queued runs start after the ones before
    /// them). For simulations with a [`crate::clock::ManualClock`].
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
        let mut report = TickReport::default();
        for _ in 0..10_000 {
            let claimed = self.claim_with_retry(now, now).await?;
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
    async fn claim_with_retry(
        &self,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
    ) -> Result<ClaimResult, StoreError> {
        let started = std::time::Instant::now();
        let claimed = retry(
            BUSY_TRIES,
            BUSY_BACKOFF,
            || self.claim_ahead(now, horizon),
            |error: &StoreError| {
                let busy = error.is_busy();
                if busy {
                    tracing::warn!(%error, "database busy while claiming; retrying");
                }
                busy
            },
        )
        .await;
        metrics::histogram!("steward_claim_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        if let Ok(claimed) = &claimed {
            metrics::gauge!("steward_claimed_last").set(claimed.runs.len() as f64);
            // `STEWARD_LOG=steward::claims=debug`: when each claim ran, to
            // line claims up with late starts.
            tracing::debug!(
                target: "steward::claims",
                at = %now.format("%H:%M:%S%.3f"),
                took_ms = started.elapsed().as_millis() as u64,
                runs = claimed.runs.len(),
                "claimed"
            );
        }
        claimed
    }

    /// The earliest instant something is due: a slot, a snoozed occurrence, a
    /// retry, a lease to expire, an approval to expire.
    pub async fn next_wake(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.next_claim(|slot| slot).await
    }

    /// When the loop claims next: `slot_claim` says when for the next slot
    /// (slots are claimed ahead); retries, leases, approvals and pauses are
    /// handled at their time.
    async fn next_claim(
        &self,
        slot_claim: impl Fn(DateTime<Utc>) -> DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let pool = self.store.pool();
        let (slot, resume) = workflows::next_wake(pool).await?;
        let candidates = [
            slot.map(slot_claim),
            resume,
            runs::next_wake(pool).await?,
            approvals::next_expiry(pool).await?,
        ];
        Ok(candidates.into_iter().flatten().min())
    }

    /// How far ahead slots are claimed.
    fn ahead(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.claim_ahead).unwrap_or(TimeDelta::zero())
    }
}
