//! Group commit for the run log: step results, run starts and successful run
//! ends from many runs are written together, a few multi-row statements per
//! batch instead of several statements per run. Under a burst this is what
//! lets thousands of runs a second through one SQLite connection. Chat turns'
//! conversation saves ride in the same batches.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::AnyPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::conversations::Conversation;
use super::health::{WriteHealth, Writer};
use super::log_batch::write;
use super::outbox::Waiting;
use super::{to_ms, StoreError};
use crate::backoff::{retry, Backoff};
use crate::workflow::{StepStatus, Usage};

/// The most operations written in one transaction. A burst's 10,000 runs
/// (three operations each) started within 437 ms with 256, 357 ms with
/// 1,024 and 330 ms with 4,096: fewer commits write the same hot pages of
/// `runs` and its indexes to the WAL fewer times.
const BATCH: usize = 1_024;

/// The longest the writer holds off while runs are starting ([`LogWriter::hold`]).
const MAX_HOLD: Duration = Duration::from_millis(50);

/// A step's end.
pub struct StepRow {
    pub run_id: i64,
    pub key: String,
    pub kind: String,
    pub status: String,
    pub output: Option<String>,
    /// Unmasked state for resuming, when masking changed the output.
    pub resume: Option<String>,
    pub error: Option<String>,
    pub usage: String,
    pub started_at: i64,
    pub ended_at: i64,
}

/// A successful run's end.
pub struct Success {
    pub run_id: i64,
    pub owner: String,
    pub output: Option<String>,
    pub usage: String,
    pub ended_at: i64,
    /// Its notice, written to the outbox in the same transaction.
    pub notice: Option<Waiting>,
}

/// What became of a success sent to the writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finished {
    /// Written, with its notice's outbox row when it had one.
    Recorded { outbox_id: Option<i64> },
    /// The run was no longer this process's to finish (its lease was lost).
    NotOurs,
}

/// Where the writer answers one write: the batch's error is shared by every
/// write in it.
type Reply<T> = oneshot::Sender<Result<T, Arc<StoreError>>>;

pub(super) enum Op {
    Step(StepRow),
    Started(i64, i64),
    /// Replies whether the run was still this owner's to finish.
    Succeeded(Success, Reply<Finished>),
    /// Replies once everything sent before it is written.
    Flush(Reply<()>),
    /// Writes what was sent before, then stops the writer.
    Close,
    /// A conversation after a chat turn; replies once written.
    Conversation(Box<Conversation>, DateTime<Utc>, Reply<()>),
}

/// The sending side; cheap to clone.
#[derive(Clone, Debug)]
pub struct LogWriter {
    tx: mpsc::UnboundedSender<Op>,
    /// The writer task, awaited once by [`LogWriter::close`].
    task: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    /// While set, the writer holds its next batch (see [`LogWriter::hold`]).
    held: Arc<tokio::sync::watch::Sender<bool>>,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Op")
    }
}

impl LogWriter {
    /// Starts the writer task on `pool`. It ends when every sender is gone.
    pub fn start(pool: AnyPool, health: Arc<WriteHealth>) -> LogWriter {
        let (tx, rx) = mpsc::unbounded_channel();
        let (held, holding) = tokio::sync::watch::channel(false);
        // The writer: owns the batching; its errors are logged per batch,
        // counted in `health` and reported to the callers waiting on a reply.
        // `close` awaits it, so nothing sent before a shutdown is lost.
        let task = tokio::spawn(run(pool, rx, health, holding));
        LogWriter {
            tx,
            task: Arc::new(std::sync::Mutex::new(Some(task))),
            held: Arc::new(held),
        }
    }

    /// Holds the writer's next batch while a slot's runs are starting
    /// (`true`), for at most [`MAX_HOLD`]: writing it (the statements here,
    /// SQLite's work on its own thread) would take the cores those starts
    /// need. What is sent meanwhile is written together afterwards.
    pub fn hold(&self, on: bool) {
        self.held
            .send_if_modified(|held| std::mem::replace(held, on) != on);
    }

    /// Writes everything sent so far and stops the writer; later writes
    /// fail with "the run log writer has stopped". Waits for the writer
    /// task (a panic in it is logged).
    pub async fn close(&self) {
        let _ = self.tx.send(Op::Close);
        let task = self.task.lock().ok().and_then(|mut task| task.take());
        if let Some(task) = task {
            if let Err(error) = task.await {
                tracing::error!(%error, "the run log writer panicked");
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &self,
        run_id: i64,
        key: &str,
        kind: &str,
        status: StepStatus,
        output: Option<&Value>,
        resume: Option<&Value>,
        error: Option<&str>,
        usage: &Usage,
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
    ) {
        let _ = self.tx.send(Op::Step(StepRow {
            run_id,
            key: key.to_string(),
            kind: kind.to_string(),
            status: status.as_str().to_string(),
            output: output.map(Value::to_string),
            resume: resume.map(|r| super::sealed::whole(r.to_string())),
            error: error.map(str::to_string),
            usage: serde_json::to_string(usage).unwrap_or_default(),
            started_at: to_ms(started_at),
            ended_at: to_ms(ended_at),
        }));
    }

    pub fn started(&self, run_id: i64, at: DateTime<Utc>) {
        let _ = self.tx.send(Op::Started(run_id, to_ms(at)));
    }

    /// Waits until everything sent before is written (before a run's end is
    /// recorded another way, so its steps are on disk first).
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Op::Flush(reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer
            .await
            .map_err(|_| StoreError::WriterStopped)?
            .map_err(StoreError::Batch)
    }

    /// Saves a conversation after a chat turn, in the next batch: under many
    /// concurrent chats their saves share one transaction. Returns once it
    /// is written, so the conversation's next turn reads it.
    pub async fn save_conversation(
        &self,
        conversation: &Conversation,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Op::Conversation(Box::new(conversation.clone()), now, reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer
            .await
            .map_err(|_| StoreError::WriterStopped)?
            .map_err(StoreError::Batch)
    }

    /// Records a success (after everything sent before it), resets the
    /// workflow's failure streak and keeps its `notice` in the outbox, all in
    /// one transaction.
    pub async fn succeeded(
        &self,
        run_id: i64,
        owner: &str,
        output: Option<&Value>,
        usage: &Usage,
        ended_at: DateTime<Utc>,
        notice: Option<Waiting>,
    ) -> Result<Finished, StoreError> {
        let (reply, answer) = oneshot::channel();
        let op = Op::Succeeded(
            Success {
                run_id,
                owner: owner.to_string(),
                output: output.map(Value::to_string),
                usage: serde_json::to_string(usage).unwrap_or_default(),
                ended_at: to_ms(ended_at),
                notice,
            },
            reply,
        );
        self.tx.send(op).map_err(|_| StoreError::WriterStopped)?;
        answer
            .await
            .map_err(|_| StoreError::WriterStopped)?
            .map_err(StoreError::Batch)
    }
}

async fn run(
    pool: AnyPool,
    mut rx: mpsc::UnboundedReceiver<Op>,
    health: Arc<WriteHealth>,
    mut holding: tokio::sync::watch::Receiver<bool>,
) {
    let mut closing = false;
    while !closing {
        let Some(first) = rx.recv().await else {
            break;
        };
        if *holding.borrow_and_update() && !matches!(first, Op::Close) {
            let _ = tokio::time::timeout(MAX_HOLD, holding.wait_for(|held| !*held)).await;
        }
        let mut ops = vec![first];
        while ops.len() < BATCH {
            match rx.try_recv() {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        closing = ops.iter().any(|op| matches!(op, Op::Close));
        // While another writer holds the lock: 20 ms, 40 ms, … 2.56 s apart.
        let busy = Backoff::new(Duration::from_millis(20), Duration::from_millis(2_560));
        let outcome = retry(9, busy, || write(&pool, &ops), StoreError::is_busy).await;
        let recorded = match outcome {
            Ok(recorded) => {
                health.succeeded(Writer::RunLog);
                Ok(recorded)
            }
            Err(error) => {
                tracing::error!(%error, "could not write the run log; leases will mark the runs interrupted");
                health.failed(Writer::RunLog, &error);
                Err(Arc::new(error))
            }
        };
        for op in ops {
            match op {
                Op::Succeeded(success, reply) => {
                    let answer = recorded
                        .as_ref()
                        .map(|ids| match ids.get(&success.run_id) {
                            Some(&outbox_id) => Finished::Recorded { outbox_id },
                            None => Finished::NotOurs,
                        })
                        .map_err(Clone::clone);
                    let _ = reply.send(answer);
                }
                Op::Flush(reply) | Op::Conversation(_, _, reply) => {
                    let _ = reply.send(recorded.as_ref().map(|_| ()).map_err(Clone::clone));
                }
                _ => {}
            }
        }
    }
}
