//! Runs claimed ahead of their slots: held in slot order until the slot
//! comes, then checked against their workflow (paused, deleted or changed
//! since the claim) and handed to the loop to start.

use std::collections::BTreeMap;

use super::firing::Firing;
use super::*;
use crate::workflow::{Overlap, WorkflowStatus};

/// Why a slot was skipped under the overlap policy (as a claim at the slot
/// writes it).
pub(super) const STILL_GOING: &str =
    "skipped: the previous run was still going (overlap policy 'skip')";
pub(super) const QUEUE_FULL: &str =
    "skipped: the previous run was still going and one was already queued";

/// Runs claimed ahead of their slots, in slot order (then run id).
pub(super) struct Timed<T = Claimed>(BTreeMap<(DateTime<Utc>, i64), T>);

impl<T> Default for Timed<T> {
    fn default() -> Self {
        Timed(BTreeMap::new())
    }
}

impl Timed<Claimed> {
    pub fn add(&mut self, job: Claimed) {
        self.insert(job.run.scheduled_for, job.run.id, job);
    }
}

impl<T> Timed<T> {
    fn insert(&mut self, at: DateTime<Utc>, id: i64, item: T) {
        self.0.insert((at, id), item);
    }

    /// The earliest slot held.
    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        self.0.keys().next().map(|(at, _)| *at)
    }

    /// Everything held, in slot order.
    pub fn into_items(self) -> Vec<T> {
        self.0.into_values().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Takes the runs whose slot is at or before `now`.
    pub fn take_due(&mut self, now: DateTime<Utc>) -> Vec<T> {
        let later = self.0.split_off(&(now, i64::MAX));
        std::mem::replace(&mut self.0, later)
            .into_values()
            .collect()
    }
}

/// The runs of the next slot, checked against their workflows a moment
/// before it (the check takes milliseconds for a thousand runs, which would
/// otherwise delay every start). At the slot they start at once, unless
/// something changed in this process (or, on PostgreSQL, in another
/// replica) since the check: then they are checked again.
pub(super) struct Checked {
    /// Their slot.
    pub at: DateTime<Utc>,
    /// Standing at the check as at their claim.
    ready: Vec<Claimed>,
    /// Changed since their claim (paused, edited, a run going): decided at
    /// the slot.
    doubtful: Vec<Claimed>,
    /// [`Scheduler::changes`] when the check began.
    changes: u64,
}

impl Checked {
    pub fn into_runs(self) -> impl Iterator<Item = Claimed> {
        self.ready.into_iter().chain(self.doubtful)
    }
}

impl Scheduler {
    /// Checks the runs of slot `at` before it comes (see [`Checked`]).
    pub(super) async fn check_early(&self, at: DateTime<Utc>, due: Vec<Claimed>) -> Checked {
        let changes = self.changes.load(std::sync::atomic::Ordering::SeqCst);
        // A failed check leaves every run to be checked again at the slot.
        let changed = workflows::standing(self.store.reader(), &claimed_pairs(&due))
            .await
            .ok();
        let (ready, doubtful) = due.into_iter().partition(|job| {
            changed
                .as_ref()
                .is_some_and(|changed| !changed.contains_key(&job.workflow.id))
        });
        Checked {
            at,
            ready,
            doubtful,
            changes,
        }
    }

    /// At their slot, the runs checked before it that are to start.
    pub(super) async fn at_slot(&self, checked: Checked) -> Vec<Claimed> {
        let changes = self.changes.load(std::sync::atomic::Ordering::SeqCst);
        if changes != checked.changes {
            return self.still_wanted(checked.into_runs().collect()).await;
        }
        let mut due = checked.ready;
        if !checked.doubtful.is_empty() {
            due.extend(self.still_wanted(checked.doubtful).await);
        }
        due
    }

    /// The runs of `due` to start now. A run whose workflow was paused or
    /// deleted after the claim is withdrawn: a paused workflow's slot leaves
    /// no run, as when the pause came before the claim. One whose workflow
    /// changed runs the new version. One whose workflow still has a run
    /// going follows the overlap policy, as a slot claimed at its time does.
    pub(super) async fn still_wanted(&self, due: Vec<Claimed>) -> Vec<Claimed> {
        if due.is_empty() {
            return due;
        }
        let changed = match workflows::standing(self.store.reader(), &claimed_pairs(&due)).await {
            Ok(standing) => standing,
            Err(error) => {
                // They were claimed; a database that cannot be read now fails
                // them when they run, which is recorded and retried.
                tracing::warn!(%error, "could not check workflows before their runs; starting them");
                return due;
            }
        };
        let mut keep = Vec::with_capacity(due.len());
        let mut withdrawn = Vec::new();
        let mut overlapping = Vec::new();
        for mut job in due {
            // Standing as at the claim: started as claimed.
            let Some(standing) = changed.get(&job.workflow.id) else {
                keep.push(job);
                continue;
            };
            let Some(now) = standing else {
                withdrawn.push(job.run.id);
                continue;
            };
            if now.status == WorkflowStatus::Paused {
                withdrawn.push(job.run.id);
                continue;
            }
            if now.version != job.workflow.version {
                if let Some(workflow) = self.reload(job.workflow.id).await {
                    job.run.workflow_version = workflow.version;
                    job.workflow = Arc::new(workflow);
                }
            }
            if now.going > 0 && job.workflow.policies.overlap != Overlap::Allow {
                overlapping.push((job, now.queued));
            } else {
                keep.push(job);
            }
        }
        if !withdrawn.is_empty() {
            self.withdraw(&withdrawn).await;
        }
        if !overlapping.is_empty() {
            self.overlap(overlapping).await;
        }
        keep
    }

    /// Runs claimed ahead whose workflow still has a run going at their slot:
    /// queued behind it (overlap 'queue', none queued yet) or skipped.
    async fn overlap(&self, jobs: Vec<(Claimed, i64)>) {
        let now = self.clock.now();
        let result = async {
            let mut tx = self.store.begin_write().await?;
            for (job, queued) in &jobs {
                let (status, error) = match job.workflow.policies.overlap {
                    Overlap::Queue if *queued == 0 => (RunStatus::Queued, None),
                    Overlap::Queue => (RunStatus::Skipped, Some(QUEUE_FULL)),
                    _ => (RunStatus::Skipped, Some(STILL_GOING)),
                };
                runs::settle_unstarted(&mut tx, &self.config.node, job.run.id, status, error, now)
                    .await?;
            }
            tx.commit().await.map_err(|source| StoreError::Sql {
                context: "committing overlapping runs",
                source,
            })
        }
        .await;
        if let Err(error) = result {
            // Their leases run out and the next claim records them interrupted.
            tracing::error!(%error, "could not record overlapping runs claimed ahead");
        }
        for (job, _) in &jobs {
            self.release(job.run.id);
        }
    }

    /// At shutdown: the runs claimed ahead are withdrawn and their slots
    /// given back to their workflows, so the next claim (another replica's,
    /// or this one's after a restart) runs them at their time rather than
    /// recording them interrupted.
    pub(super) async fn give_back(&self, timed: Timed) {
        let jobs = timed.into_items();
        if jobs.is_empty() {
            return;
        }
        let ids: Vec<i64> = jobs.iter().map(|job| job.run.id).collect();
        let mut slots: Vec<(i64, DateTime<Utc>)> = jobs
            .iter()
            .map(|job| (job.workflow.id, job.run.scheduled_for))
            .collect();
        // The earliest slot of each workflow is the one to give back.
        slots.sort_unstable();
        slots.dedup_by_key(|(id, _)| *id);
        self.take_back(&ids, &slots, "stopping: runs claimed ahead given back")
            .await;
    }

    async fn reload(&self, id: i64) -> Option<Workflow> {
        let mut conn = self.store.read_connection().await.ok()?;
        workflows::get(&mut conn, id).await.ok().flatten()
    }

    /// Deletes runs claimed ahead whose workflow was paused or deleted.
    async fn withdraw(&self, ids: &[i64]) {
        let why = "runs claimed ahead were withdrawn: their workflow was paused or deleted before the slot";
        self.take_back(ids, &[], why).await;
    }

    /// Deletes runs claimed ahead and not started, moving their workflows'
    /// next slot back to `slots`, in one write; they are released either way
    /// (if the write failed, their leases run out and the next claim records
    /// them interrupted).
    async fn take_back(&self, ids: &[i64], slots: &[(i64, DateTime<Utc>)], why: &str) {
        let result = async {
            let mut tx = self.store.begin_write().await?;
            let count = runs::withdraw(&mut tx, &self.config.node, ids).await?;
            workflows::rewind(&mut tx, slots).await?;
            tx.commit().await.map_err(|source| StoreError::Sql {
                context: "committing runs taken back",
                source,
            })?;
            Ok::<_, StoreError>(count)
        }
        .await;
        match result {
            Ok(count) => tracing::info!(count, "{why}"),
            Err(error) => tracing::error!(%error, "could not take back runs claimed ahead"),
        }
        for id in ids {
            self.release(*id);
        }
    }
}

impl Firing {
    /// How long before a slot its runs are checked: twice what checking all
    /// runs held would take at the last check's pace, so the check is over
    /// when the slot comes; at least 3 ms, at most 50 ms (what another
    /// process changes on SQLite in that time is not seen by the slot).
    pub(super) fn check_ahead(&self) -> TimeDelta {
        let held = u32::try_from(self.timed.len()).unwrap_or(u32::MAX);
        let twice = TimeDelta::from_std(self.check_per_run * held * 2).unwrap_or(TimeDelta::MAX);
        twice.clamp(TimeDelta::milliseconds(3), TimeDelta::milliseconds(50))
    }
}

impl Scheduler {
    /// The runs claimed ahead to start now: those of the next slot are
    /// checked against their workflows a moment before it, and handed over
    /// at it. (Their start is stamped when they start: the row has none.)
    pub(super) async fn slot_runs(&self, firing: &mut Firing, now: DateTime<Utc>) -> Vec<Claimed> {
        if firing.checked.is_none() {
            let near = now + firing.check_ahead();
            if let Some(at) = firing.timed.next_at().filter(|at| *at <= near) {
                let due = firing.timed.take_due(at);
                let count = u32::try_from(due.len()).unwrap_or(u32::MAX).max(1);
                let checking = std::time::Instant::now();
                firing.checked = Some(self.check_early(at, due).await);
                let took = checking.elapsed();
                firing.check_per_run = took / count;
                metrics::histogram!("steward_claimed_ahead_check_seconds")
                    .record(took.as_secs_f64());
            }
        }
        let now = self.clock.now();
        let Some(checked) = firing.checked.take_if(|checked| checked.at <= now) else {
            return Vec::new();
        };
        let late = (now - checked.at).num_microseconds().unwrap_or(0);
        metrics::histogram!("steward_slot_wake_lateness_seconds").record(late as f64 / 1e6);
        self.at_slot(checked).await
    }
}

/// The `(workflow id, version)` pairs the runs of `due` were claimed with.
fn claimed_pairs(due: &[Claimed]) -> Vec<(i64, i64)> {
    let mut claimed: Vec<(i64, i64)> = due
        .iter()
        .map(|job| (job.workflow.id, job.workflow.version))
        .collect();
    claimed.sort_unstable();
    claimed.dedup();
    claimed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use chrono::TimeZone;

    /// A scheduler on a new store at `now`, with a per-second workflow.
    async fn one_workflow(dir: &std::path::Path, now: DateTime<Utc>) -> (Arc<Scheduler>, i64) {
        let store = Store::open(&dir.join("ahead.db")).await.unwrap();
        let clock = Arc::new(ManualClock::new(now));
        let notifier = Arc::new(crate::chat::terminal::TerminalNotifier { quiet: true });
        let engine = Arc::new(Engine {
            store: store.clone(),
            http: crate::engine::HttpClient::new(Default::default()).unwrap(),
            model: None,
            prices: Default::default(),
            mcp: crate::engine::Mcp::none(),
            redactor: Default::default(),
            notifier: notifier.clone(),
            clock: clock.clone(),
            node: "unit".into(),
            lease: Duration::from_secs(30),
            ceilings: Default::default(),
            quotas: Default::default(),
            plans: Default::default(),
        });
        let config = SchedulerConfig {
            node: "unit".into(),
            ..SchedulerConfig::default()
        };
        let scheduler = Arc::new(Scheduler::new(
            store.clone(),
            engine,
            clock,
            notifier,
            config,
        ));
        let definition: crate::workflow::Definition = serde_json::from_value(serde_json::json!({
            "name": "tick", "owner": "ann",
            "trigger": {"kind": "interval", "expression": "PT1S", "timezone": "UTC"},
            "steps": [{"id": "say", "type": "message", "text": "tick"}]
        }))
        .unwrap();
        let new = definition.validate(now, chrono_tz::UTC.into(), 1).unwrap();
        let mut tx = store.begin_write().await.unwrap();
        let next = new.schedule.next_after(now);
        let id = workflows::insert(&mut tx, &new, next, now).await.unwrap();
        tx.commit().await.unwrap();
        (scheduler, id)
    }

    /// A workflow deleted after its run was checked before the slot: the run
    /// starts unless the change was made known (`poke`), as every change
    /// made through this process (or, on PostgreSQL, another replica) is.
    #[tokio::test]
    async fn a_change_made_known_after_the_early_check_is_seen_at_the_slot() {
        for poked in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let now = Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap();
            let (scheduler, id) = one_workflow(dir.path(), now).await;
            let claimed = scheduler
                .claim_with_retry(now, now + TimeDelta::seconds(2))
                .await
                .unwrap();
            let at = claimed
                .runs
                .first()
                .expect("a run claimed ahead")
                .run
                .scheduled_for;
            let checked = scheduler.check_early(at, claimed.runs).await;
            assert_eq!(checked.ready.len(), 1, "standing as claimed");
            let mut conn = scheduler.store.connection().await.unwrap();
            assert!(workflows::delete(&mut conn, id).await.unwrap());
            drop(conn);
            if poked {
                scheduler.poke();
            }
            let due = scheduler.at_slot(checked).await;
            assert_eq!(due.len(), usize::from(!poked), "poked: {poked}");
        }
    }

    #[test]
    fn runs_come_out_at_their_slot_in_slot_order_and_not_before() {
        let at = |ms: i64| Utc.timestamp_millis_opt(1_800_000_000_000 + ms).unwrap();
        let mut timed = Timed::default();
        for (id, ms) in [(3, 500), (2, 0), (1, 0), (4, 1_000)] {
            timed.insert(at(ms), id, id);
        }
        assert_eq!(timed.next_at(), Some(at(0)));
        assert!(timed.take_due(at(-1)).is_empty());
        assert_eq!(timed.take_due(at(0)), vec![1, 2]);
        assert_eq!(timed.take_due(at(999)), vec![3]);
        assert_eq!(timed.next_at(), Some(at(1_000)));
        assert_eq!(timed.take_due(at(5_000)), vec![4]);
        assert!(timed.is_empty());
    }
}
