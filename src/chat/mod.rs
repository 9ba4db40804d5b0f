//! Where people are (DESIGN §1): one file per platform translating between
//! its events and the agent's [`Inbound`](crate::agent::Inbound) /
//! [`Outbound`], and the [`delivery::Delivery`] notifier that takes run
//! results, approval requests and auto-pause notices to a workflow's home
//! chat on its platform.
//!
//! A home chat is `<platform>:<address>`: `telegram:<chat id>`,
//! `discord:<guild id or dm>:<channel id>`, `webhook:<conversation id>`,
//! `terminal:<user>`.

pub mod delivery;
pub mod discord;
mod retry;
pub mod telegram;
pub mod terminal;
pub mod text;
pub mod webhook;

use async_trait::async_trait;
use serde_json::{json, Value};
use std::time::Duration;

use crate::agent::{Button, Reply};
use crate::workflow::notify::Notice;

/// What steward says in a chat: text and the buttons under it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbound {
    pub text: String,
    pub buttons: Vec<Button>,
    /// For a notice, what it is about, as the webhook API's callbacks carry
    /// it: `{"type", "workflow": {"id", "name"}, "run_id", "status"}`.
    pub about: Option<Value>,
    /// Names one notice across its delivery tries (webhook receivers drop
    /// repeats by it).
    pub delivery_id: Option<String>,
}

impl Outbound {
    pub fn text(text: impl Into<String>) -> Outbound {
        Outbound {
            text: text.into(),
            ..Outbound::default()
        }
    }

    pub fn from_reply(reply: &Reply) -> Outbound {
        Outbound {
            text: reply.text.clone(),
            buttons: reply.buttons.clone(),
            ..Outbound::default()
        }
    }

    /// A notice as a chat message: an approval request carries Approve and
    /// Reject buttons (and says how to answer in words where there are none).
    pub fn from_notice(notice: &Notice) -> Outbound {
        let mut message = Self::notice_text(notice);
        let audience = notice.audience();
        let (kind, status) = match notice {
            Notice::Message { .. } => ("message", None),
            Notice::RunFinished { status, .. } => ("run_finished", Some(status.as_str())),
            Notice::ApprovalRequested { .. } => ("approval_requested", None),
            Notice::AutoPaused { .. } => ("auto_paused", None),
        };
        message.about = Some(json!({
            "type": kind,
            "workflow": { "id": audience.workflow_id, "name": audience.workflow_name },
            "run_id": notice.run_id(),
            "status": status,
        }));
        message
    }

    fn notice_text(notice: &Notice) -> Outbound {
        let audience = notice.audience();
        let who = format!("#{} {}", audience.workflow_id, audience.workflow_name);
        match notice {
            Notice::Message { text, .. } => Outbound::text(format!("[{who}] {text}")),
            Notice::RunFinished {
                run_id, summary, ..
            } => Outbound::text(format!("[{who}] run {run_id}: {summary}")),
            Notice::ApprovalRequested {
                run_id,
                prompt,
                expires_at,
                ..
            } => Outbound {
                text: format!(
                    "[{who}] run {run_id} waits for your answer: {prompt}\nAnswer before {} (or say 'approve {run_id}' / 'reject {run_id}').",
                    expires_at.format("%Y-%m-%d %H:%M UTC")
                ),
                buttons: vec![
                    Button {
                        label: "Approve".into(),
                        action: format!("approve:{run_id}"),
                    },
                    Button {
                        label: "Reject".into(),
                        action: format!("reject:{run_id}"),
                    },
                ],
                ..Outbound::default()
            },
            Notice::AutoPaused { reason, .. } => Outbound::text(format!("[{who}] paused: {reason}")),
        }
    }
}

/// Tools whose answers show a person's workflows or runs.
const PRIVATE_ANSWERS: &[&str] = &["list_workflows", "show_workflow", "workflow_runs"];

/// Whether `reply` shows the person's workflows or runs and waits for no
/// button: in a group it belongs in a private chat, not the channel.
pub fn shows_private_data(reply: &Reply) -> bool {
    reply.buttons.is_empty()
        && reply
            .actions
            .iter()
            .any(|action| action.ok && PRIVATE_ANSWERS.contains(&action.tool.as_str()))
}

/// Why a platform could not take a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// Whether trying again may help (a timeout, a 5xx, a 429), and after how
    /// long if the platform said.
    pub retry: Retry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// The message is refused (a 4xx, an unknown chat): retrying cannot help.
    Never,
    /// Try again after the usual backoff.
    Backoff,
    /// Try again after this long (Retry-After, Telegram's retry_after).
    After(Duration),
}

impl SendError {
    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            retry: Retry::Never,
        }
    }

    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            retry: Retry::Backoff,
        }
    }

    /// A platform's HTTP refusal: 408, 429 and 5xx may pass (after
    /// `retry_after` when the platform said), any other status will not.
    pub fn from_status(status: u16, message: String, retry_after: Option<Duration>) -> SendError {
        let retry = match retry_after {
            _ if !(status == 408 || status == 429 || status >= 500) => Retry::Never,
            Some(wait) => Retry::After(wait),
            None => Retry::Backoff,
        };
        SendError { message, retry }
    }

    /// A request that got no answer (timed out, no connection): worth
    /// retrying. Says what happened without the URL, which may carry a token.
    pub fn unanswered(to: &str, error: &reqwest::Error) -> SendError {
        let what = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        SendError::transient(format!("the request to {to} {what}"))
    }
}

/// A platform steward can post to.
#[async_trait]
pub trait Platform: Send + Sync {
    /// The home-chat prefix it serves: `telegram`, `discord`, `webhook`.
    fn name(&self) -> &'static str;

    /// Posts `message` to `address` (the home chat without its prefix).
    async fn send(&self, address: &str, message: &Outbound) -> Result<(), SendError>;
}
