//! The notifier of `steward serve`: takes each notice to its home chat on its
//! platform, retrying with backoff. A notice that still cannot be delivered is
//! recorded on its run (`runs.delivery_errors`), or for an auto-pause in the
//! audit log, and logged: never dropped silently.
//!
//! `notify` writes the notice to the outbox (`store::outbox`) and queues it:
//! each destination chat has its own queue and worker, so notices to one chat
//! arrive in order, and a slow or failing platform delays neither the
//! scheduler, nor the run that sent the notice, nor other chats; at most
//! [`MAX_SENDING`] destinations send at once. A notice leaves the outbox once
//! delivered or recorded. `drain` waits for the queues at shutdown, then
//! stops the workers: what is left stays in the outbox, and
//! [`Delivery::resume`] delivers it at the next start, with its delivery id.

use async_trait::async_trait;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch, Notify, Semaphore};

use super::{Outbound, Platform, SendError};
use crate::store::outbox::{self, Waiting};
use crate::store::Store;
use crate::workflow::notify::{Kept, Notice, Notifier};

mod record;

pub use super::retry::RetryPolicy;

/// Destinations sending at once; the others wait their turn.
pub const MAX_SENDING: usize = 64;

/// A notice on its way: its outbox row (none when writing it failed) and
/// what is sent.
#[derive(Clone, Debug)]
struct Queued {
    outbox_id: Option<i64>,
    workflow_id: i64,
    run_id: Option<i64>,
    message: Outbound,
}

type Queues = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Queued>>>>;

/// Routes notices to the platforms by their home chat's prefix.
pub struct Delivery {
    inner: Arc<Router>,
    /// Each destination's queue; its worker removes it when idle.
    queues: Queues,
    /// Notices queued and not yet delivered or recorded.
    pending: Arc<(AtomicUsize, Notify)>,
}

/// A queue's worker stops after this long without notices.
const IDLE: Duration = Duration::from_secs(60);

/// What delivering needs, shared with the workers.
struct Router {
    platforms: HashMap<&'static str, Arc<dyn Platform>>,
    store: Store,
    policy: RetryPolicy,
    /// Where notices without a platform go (a workflow made in the terminal
    /// or imported without a home chat): the log or the terminal.
    fallback: Arc<dyn Notifier>,
    /// Numbers notices within this process; with the start time it makes
    /// their delivery ids.
    sequence: AtomicU64,
    started: i64,
    /// Destinations sending at once.
    sending: Semaphore,
    /// Set at shutdown: workers stop, leaving their notices in the outbox.
    stop: watch::Sender<bool>,
}

impl Delivery {
    /// Delivery with `platforms` (each serves the home chats starting
    /// `<platform.name()>:`).
    pub fn new(
        store: Store,
        policy: RetryPolicy,
        fallback: Arc<dyn Notifier>,
        platforms: Vec<Arc<dyn Platform>>,
    ) -> Delivery {
        Delivery {
            inner: Arc::new(Router {
                platforms: platforms.into_iter().map(|p| (p.name(), p)).collect(),
                store,
                policy,
                fallback,
                sequence: AtomicU64::new(0),
                started: Utc::now().timestamp_millis(),
                sending: Semaphore::new(MAX_SENDING),
                stop: watch::channel(false).0,
            }),
            queues: Arc::default(),
            pending: Arc::default(),
        }
    }

    /// Queues what a previous process left in the outbox, oldest first, with
    /// the delivery ids it had. Call before new notices come.
    pub async fn resume(&self) -> usize {
        let waiting = match outbox::waiting(self.inner.store.pool()).await {
            Ok(waiting) => waiting,
            Err(error) => {
                tracing::error!(%error, "could not read the outbox; its notices wait for the next start");
                return 0;
            }
        };
        let count = waiting.len();
        for row in waiting {
            let queued = Queued {
                outbox_id: Some(row.id),
                workflow_id: row.workflow_id,
                run_id: row.run_id,
                message: Outbound {
                    text: row.text,
                    buttons: serde_json::from_str(&row.buttons).unwrap_or_default(),
                    about: row.about.and_then(|a| serde_json::from_str(&a).ok()),
                    delivery_id: Some(row.delivery_id),
                },
            };
            let prefix = row.destination.split_once(':').map_or("", |(p, _)| p);
            if self.inner.platforms.contains_key(prefix) {
                self.enqueue(row.destination, queued);
            } else {
                let error = SendError::permanent(format!("{prefix} is not configured here"));
                self.inner
                    .record_failure(&queued, &row.destination, &error, 0)
                    .await;
            }
        }
        if count > 0 {
            tracing::info!(
                count,
                "delivering the notices a previous run left in the outbox"
            );
        }
        count
    }

    /// Waits until every queued notice is delivered or recorded, at most
    /// `limit`, then stops the workers; returns how many are left (in the
    /// outbox, for the next start).
    pub async fn drain(&self, limit: Duration) -> usize {
        let (count, changed) = &*self.pending;
        let deadline = tokio::time::Instant::now() + limit;
        let left = loop {
            let waiting = changed.notified();
            let left = count.load(Ordering::SeqCst);
            if left == 0 {
                break 0;
            }
            if tokio::time::timeout_at(deadline, waiting).await.is_err() {
                break count.load(Ordering::SeqCst);
            }
        };
        let _ = self.inner.stop.send(true);
        if left > 0 {
            tracing::warn!(
                left,
                "stopping with notices undelivered; they stay in the outbox for the next start"
            );
        }
        left
    }

    /// Queues `notice` for `to`, starting the destination's worker if needed.
    fn enqueue(&self, to: String, notice: Queued) {
        self.pending.0.fetch_add(1, Ordering::SeqCst);
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(queue) = queues.get(&to) {
            // A worker removes its queue (under this lock) before it stops,
            // so a queue in the map has a live worker.
            if queue.send(notice.clone()).is_ok() {
                return;
            }
        }
        let (queue, notices) = mpsc::unbounded_channel();
        let _ = queue.send(notice);
        queues.insert(to.clone(), queue);
        let (inner, all, pending) = (
            Arc::clone(&self.inner),
            Arc::clone(&self.queues),
            Arc::clone(&self.pending),
        );
        // The destination's worker: delivers its notices one after another
        // (retries included) and stops when idle or at shutdown. It returns
        // nothing to read; every outcome is logged or recorded by `deliver`,
        // and what it did not deliver is still in the outbox.
        tokio::spawn(worker(inner, to, notices, all, pending));
    }
}

async fn worker(
    inner: Arc<Router>,
    to: String,
    mut notices: mpsc::UnboundedReceiver<Queued>,
    queues: Queues,
    pending: Arc<(AtomicUsize, Notify)>,
) {
    let done = |pending: &(AtomicUsize, Notify)| {
        pending.0.fetch_sub(1, Ordering::SeqCst);
        pending.1.notify_waiters();
    };
    let mut stop = inner.stop.subscribe();
    loop {
        let next = tokio::select! {
            _ = stop.wait_for(|stop| *stop) => return,
            next = tokio::time::timeout(IDLE, notices.recv()) => next,
        };
        match next {
            Ok(Some(notice)) => {
                tokio::select! {
                    // Shutdown: the notice stays in the outbox.
                    _ = stop.wait_for(|stop| *stop) => return,
                    () = inner.deliver(&to, notice) => done(&pending),
                }
            }
            _ => {
                queues.lock().unwrap_or_else(|e| e.into_inner()).remove(&to);
                // Notices queued before the removal are still ours.
                while let Ok(notice) = notices.try_recv() {
                    tokio::select! {
                        _ = stop.wait_for(|stop| *stop) => return,
                        () = inner.deliver(&to, notice) => done(&pending),
                    }
                }
                return;
            }
        }
    }
}

#[async_trait]
impl Notifier for Delivery {
    async fn notify(&self, notice: Notice) {
        let Some(kept) = self.keep(&notice) else {
            return self.unrouted(notice).await;
        };
        let row = Waiting::of(&kept, notice.audience().workflow_id, notice.run_id());
        match outbox::insert(self.inner.store.pool(), &row, Utc::now()).await {
            Ok(id) => self.notify_kept(notice, kept, id).await,
            Err(error) => {
                // Delivered all the same, only not across a restart.
                tracing::error!(%error, "could not write a notice to the outbox");
                let queued = queued(&notice, &kept, None);
                self.enqueue(kept.destination, queued);
            }
        }
    }

    /// A notice to a chat on a configured platform, with its delivery id.
    fn keep(&self, notice: &Notice) -> Option<Kept> {
        let to = notice.audience().to.clone()?;
        let prefix = to.split_once(':').map_or(to.as_str(), |(p, _)| p);
        if !self.inner.platforms.contains_key(prefix) {
            return None;
        }
        let sequence = self.inner.sequence.fetch_add(1, Ordering::Relaxed);
        let message = Outbound::from_notice(notice);
        Some(Kept {
            destination: to,
            delivery_id: format!("{:x}-{sequence}", self.inner.started),
            text: message.text,
            buttons: serde_json::to_string(&message.buttons).unwrap_or_else(|_| "[]".into()),
            about: message.about.as_ref().map(|a| a.to_string()),
        })
    }

    async fn notify_kept(&self, notice: Notice, kept: Kept, outbox_id: i64) {
        self.enqueue(
            kept.destination.clone(),
            queued(&notice, &kept, Some(outbox_id)),
        );
    }
}

impl Delivery {
    /// A notice with no chat on a platform this process runs: the fallback
    /// (log or terminal), and for a platform not configured here, a record
    /// on its run.
    async fn unrouted(&self, notice: Notice) {
        let Some(to) = notice.audience().to.clone() else {
            return self.inner.fallback.notify(notice).await;
        };
        let prefix = to.split_once(':').map_or(to.as_str(), |(p, _)| p);
        if matches!(prefix, "telegram" | "discord" | "webhook") {
            // A home chat on a platform this process does not run (its
            // token is not configured): say so on the run.
            let queued = Queued {
                outbox_id: None,
                workflow_id: notice.audience().workflow_id,
                run_id: notice.run_id(),
                message: Outbound::from_notice(&notice),
            };
            let error = SendError::permanent(format!("{prefix} is not configured here"));
            self.inner.record_failure(&queued, &to, &error, 0).await;
        }
        self.inner.fallback.notify(notice).await
    }
}

/// What a worker sends for `notice`, kept as `kept`.
fn queued(notice: &Notice, kept: &Kept, outbox_id: Option<i64>) -> Queued {
    let mut message = Outbound::from_notice(notice);
    message.delivery_id = Some(kept.delivery_id.clone());
    Queued {
        outbox_id,
        workflow_id: notice.audience().workflow_id,
        run_id: notice.run_id(),
        message,
    }
}

impl Router {
    /// Sends one notice with retries; takes it out of the outbox when
    /// delivered, records it when it cannot be.
    async fn deliver(&self, to: &str, notice: Queued) {
        let (prefix, address) = to.split_once(':').unwrap_or((to, ""));
        let Some(platform) = self.platforms.get(prefix) else {
            return;
        };
        // Bounded: many destinations at once wait here, each keeping its order.
        let Ok(_turn) = self.sending.acquire().await else {
            return;
        };
        let message = &notice.message;
        let result = self.policy.run(|| platform.send(address, message)).await;
        let result_name = if result.is_ok() {
            "delivered"
        } else {
            "failed"
        };
        metrics::counter!("steward_deliveries_total", "platform" => prefix.to_string(), "result" => result_name)
            .increment(1);
        match result {
            Ok(tries) => {
                tracing::debug!(to, tries, "notice delivered");
                self.done(&notice).await;
            }
            Err((error, tries)) => self.record_failure(&notice, to, &error, tries).await,
        }
    }
}
