//! A webhook's URL and secret in chat: shown once below the reply (never
//! kept in the history nor shown to the model), and only in a private chat;
//! in a group the reply says where to ask for them.

use super::turn::Turn;
use super::{Agent, AnswerBy};
use crate::manage::Hook;

/// Whether only this person reads the chat (a direct message, the terminal,
/// the chat API).
pub fn is_private(turn: &Turn) -> bool {
    turn.answer_by == AnswerBy::Words
}

/// What the reply says about workflow `id`'s webhook `hook` (checked by
/// `check`: `path`, `github`, ...); in a private chat the URL and secret go
/// below the reply.
pub fn tell(turn: &mut Turn, agent: &Agent, id: i64, check: &str, hook: &Hook) -> String {
    if !is_private(turn) {
        return ask_privately(id);
    }
    let url = format!(
        "{}{}",
        agent.settings.public_url,
        hook.path(check == "path")
    );
    turn.reveal = Some(format!("URL: {url}\nSecret: {}", hook.secret));
    let how = match check {
        "path" => "The secret is the end of the URL: POST to it.",
        "github" => "In GitHub: Settings → Webhooks, Payload URL and Secret as below, content type application/json.",
        "stripe" => "In Stripe: an endpoint with the URL below; steward checks Stripe-Signature with the secret below.",
        "slack" => "In Slack: the request URL below; the secret below is the signing secret.",
        _ => "Sign each call: X-Steward-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>.",
    };
    format!(
        "Its URL and secret are below, shown once here ('show the webhook of #{id}' shows them again, 'rotate the webhook of #{id}' makes new ones). {how} The request's body and headers are the run's ${{input}}."
    )
}

/// The answer in a group or a channel.
pub fn ask_privately(id: i64) -> String {
    format!(
        "Its URL and secret are private, so I give them only in a private chat: message me directly and say 'show the webhook of #{id}'."
    )
}
