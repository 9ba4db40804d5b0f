//! The notifier of `steward serve`: takes each notice to its home chat on its
//! platform, retrying with backoff. A notice that still cannot be delivered is
//! recorded on its run (`runs.delivery_errors`), or for an auto-pause in the
//! audit log, and logged: never dropped silently.
//!
//! `notify` only queues: each destination chat has its own queue and worker,
//! so notices to one chat arrive in order, and a slow or failing platform
//! delays neither the scheduler, nor the run that sent the notice, nor other
//! chats. `drain` waits for the queues at shutdown.

use async_trait::async_trait;
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

use super::{Outbound, Platform, Retry, SendError};
use crate::store::{audit, runs, Store};
use crate::workflow::notify::{Notice, Notifier};

/// How hard delivery tries.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The wait before the second try; it doubles after each.
    pub first_backoff: Duration,
    /// The longest wait between tries (a platform's Retry-After included).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Calls `send` until it succeeds, fails for good, or the tries run out;
    /// returns the last error and the number of tries made.
    pub async fn run<F, Fut>(&self, mut send: F) -> Result<u32, (SendError, u32)>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), SendError>>,
    {
        let mut backoff = self.first_backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            let error = match send().await {
                Ok(()) => return Ok(tries),
                Err(error) => error,
            };
            let wait = match error.retry {
                Retry::Never => return Err((error, tries)),
                _ if tries >= self.attempts.max(1) => return Err((error, tries)),
                Retry::Backoff => backoff,
                Retry::After(wait) => wait,
            };
            tracing::debug!(%error, tries, wait_ms = wait.as_millis() as u64, "delivery will retry");
            tokio::time::sleep(wait.min(self.max_backoff)).await;
            backoff = (backoff * 2).min(self.max_backoff);
        }
    }
}

/// Routes notices to the platforms by their home chat's prefix.
pub struct Delivery {
    inner: Arc<Router>,
    /// Each destination's queue; its worker removes it when idle.
    queues: Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Notice>>>>,
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
            }),
            queues: Arc::default(),
            pending: Arc::default(),
        }
    }

    /// Waits until every queued notice is delivered or recorded, at most
    /// `limit`; returns how many are still pending.
    pub async fn drain(&self, limit: Duration) -> usize {
        let (count, changed) = &*self.pending;
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let waiting = changed.notified();
            let left = count.load(Ordering::SeqCst);
            if left == 0 {
                return 0;
            }
            if tokio::time::timeout_at(deadline, waiting).await.is_err() {
                let left = count.load(Ordering::SeqCst);
                tracing::error!(left, "shutting down with notices still undelivered");
                return left;
            }
        }
    }

    /// Queues `notice` for `to`, starting the destination's worker if needed.
    fn enqueue(&self, to: String, notice: Notice) {
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
        // (retries included) and stops when idle. It returns nothing to
        // read; every outcome is logged or recorded by `deliver`.
        tokio::spawn(worker(inner, to, notices, all, pending));
    }
}

async fn worker(
    inner: Arc<Router>,
    to: String,
    mut notices: mpsc::UnboundedReceiver<Notice>,
    queues: Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Notice>>>>,
    pending: Arc<(AtomicUsize, Notify)>,
) {
    let done = |pending: &(AtomicUsize, Notify)| {
        pending.0.fetch_sub(1, Ordering::SeqCst);
        pending.1.notify_waiters();
    };
    loop {
        match tokio::time::timeout(IDLE, notices.recv()).await {
            Ok(Some(notice)) => {
                inner.deliver(&to, notice).await;
                done(&pending);
            }
            _ => {
                queues.lock().unwrap_or_else(|e| e.into_inner()).remove(&to);
                // Notices queued before the removal are still ours.
                while let Ok(notice) = notices.try_recv() {
                    inner.deliver(&to, notice).await;
                    done(&pending);
                }
                return;
            }
        }
    }
}

impl Router {
    /// Remembers a notice that could not be delivered.
    async fn record_failure(&self, notice: &Notice, to: &str, error: &SendError, tries: u32) {
        let audience = notice.audience();
        tracing::error!(
            workflow_id = audience.workflow_id,
            run_id = notice.run_id(),
            to,
            tries,
            %error,
            "a notice could not be delivered"
        );
        let now = Utc::now();
        let entry = json!({
            "at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "to": to,
            "notice": Outbound::from_notice(notice).text,
            "error": error.message,
            "attempts": tries,
        });
        let recorded = match notice.run_id() {
            Some(run_id) => runs::record_delivery_error(self.store.pool(), run_id, &entry)
                .await
                .map(|_| ()),
            None => match self.store.connection().await {
                Ok(mut conn) => {
                    audit::record(
                        &mut conn,
                        "steward",
                        Some(audience.workflow_id),
                        "delivery-failed",
                        Some(&entry.to_string()),
                        now,
                    )
                    .await
                }
                Err(e) => Err(e),
            },
        };
        if let Err(store_error) = recorded {
            tracing::error!(%store_error, "recording an undelivered notice failed too");
        }
    }
}

#[async_trait]
impl Notifier for Delivery {
    async fn notify(&self, notice: Notice) {
        let Some(to) = notice.audience().to.clone() else {
            return self.inner.fallback.notify(notice).await;
        };
        let prefix = to.split_once(':').map_or(to.as_str(), |(p, _)| p);
        if !self.inner.platforms.contains_key(prefix) {
            if matches!(prefix, "telegram" | "discord" | "webhook") {
                // A home chat on a platform this process does not run (its
                // token is not configured): say so on the run.
                let error = SendError::permanent(format!("{prefix} is not configured here"));
                self.inner.record_failure(&notice, &to, &error, 0).await;
            }
            return self.inner.fallback.notify(notice).await;
        }
        self.enqueue(to, notice);
    }
}

impl Router {
    /// Sends one notice with retries; records it when it cannot be sent.
    async fn deliver(&self, to: &str, notice: Notice) {
        let (prefix, address) = to.split_once(':').unwrap_or((to, ""));
        let Some(platform) = self.platforms.get(prefix) else {
            return;
        };
        let mut message = Outbound::from_notice(&notice);
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        message.delivery_id = Some(format!("{:x}-{sequence}", self.started));
        let result = self.policy.run(|| platform.send(address, &message)).await;
        match result {
            Ok(tries) => tracing::debug!(to, tries, "notice delivered"),
            Err((error, tries)) => self.record_failure(&notice, to, &error, tries).await,
        }
    }
}
