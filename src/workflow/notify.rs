//! What runs tell people: messages, results, approval requests, auto-pauses.
//! The engine and scheduler speak through [`Notifier`]; `chat/` delivers.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RunStatus;

/// Who a notice is about and where it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Audience {
    pub workflow_id: i64,
    pub workflow_name: String,
    pub owner: String,
    /// The workflow's home chat, or a step's named target.
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A `message` step's text, sent during run `run_id`.
    Message {
        audience: Audience,
        run_id: i64,
        text: String,
    },
    /// A run ended; `summary` says how, in a sentence.
    RunFinished {
        audience: Audience,
        run_id: i64,
        status: RunStatus,
        summary: String,
    },
    /// A run waits for a yes or no.
    ApprovalRequested {
        audience: Audience,
        run_id: i64,
        prompt: String,
        expires_at: DateTime<Utc>,
    },
    /// The workflow paused itself.
    AutoPaused { audience: Audience, reason: String },
}

impl Notice {
    /// The run this notice belongs to; an auto-pause belongs to the workflow.
    pub fn run_id(&self) -> Option<i64> {
        match self {
            Notice::Message { run_id, .. }
            | Notice::RunFinished { run_id, .. }
            | Notice::ApprovalRequested { run_id, .. } => Some(*run_id),
            Notice::AutoPaused { .. } => None,
        }
    }

    pub fn audience(&self) -> &Audience {
        match self {
            Notice::Message { audience, .. }
            | Notice::RunFinished { audience, .. }
            | Notice::ApprovalRequested { audience, .. }
            | Notice::AutoPaused { audience, .. } => audience,
        }
    }

    /// One line for a terminal or a log.
    pub fn line(&self) -> String {
        let a = self.audience();
        let who = format!("#{} {}", a.workflow_id, a.workflow_name);
        match self {
            Notice::Message { text, .. } => format!("[{who}] {text}"),
            Notice::RunFinished { run_id, summary, .. } => format!("[{who}] run {run_id}: {summary}"),
            Notice::ApprovalRequested { run_id, prompt, expires_at, .. } => format!(
                "[{who}] run {run_id} asks: {prompt} (approve with `steward runs approve {run_id}`, before {})",
                expires_at.format("%Y-%m-%d %H:%M UTC")
            ),
            Notice::AutoPaused { reason, .. } => format!("[{who}] paused: {reason}"),
        }
    }
}

/// A notice as the durable outbox keeps it: where it goes and what is sent,
/// rendered by the notifier that will deliver it. Its writer stores it in the
/// same transaction as what caused it (a run's end, an approval request, an
/// auto-pause), so a crash between the two cannot keep one and lose the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub destination: String,
    /// The id receivers de-duplicate by, kept across tries and restarts.
    pub delivery_id: String,
    pub text: String,
    /// JSON the notifier owns.
    pub buttons: String,
    /// JSON the notifier owns.
    pub about: Option<String>,
}

/// Delivers notices. Delivery failures are the notifier's to retry and log;
/// they never fail a run.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Delivers `notice`, keeping it in the outbox first if this notifier
    /// keeps notices.
    async fn notify(&self, notice: Notice);

    /// What the outbox would keep of `notice`, for its cause's writer to
    /// store with the cause; `None` when this notifier keeps nothing (a
    /// terminal, a log, a test) and [`Notifier::notify`] is all it needs.
    fn keep(&self, _notice: &Notice) -> Option<Kept> {
        None
    }

    /// Delivers a notice its cause's writer stored (committed) as outbox row
    /// `outbox_id`, from [`Notifier::keep`]'s `kept`.
    async fn notify_kept(&self, notice: Notice, kept: Kept, outbox_id: i64) {
        let _ = (kept, outbox_id);
        self.notify(notice).await;
    }
}
