//! `send_message`: a message to the workflow's chat or another it already
//! sends to.

use serde::Deserialize;
use serde_json::{json, Value};

use super::super::clip;
use super::MAX_MESSAGE_CHARS;
use crate::engine::runner::Runner;
use crate::workflow::notify::Notice;
use crate::workflow::{Plan, Usage};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MessageArgs {
    text: String,
    #[serde(default)]
    to: Option<String>,
}

pub(super) async fn send_message(
    runner: &Runner<'_>,
    args: MessageArgs,
    usage: &mut Usage,
) -> Result<Value, String> {
    let text = args.text.trim();
    if text.is_empty() {
        return Err("the message is empty".into());
    }
    let length = text.chars().count();
    if length > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message is {length} characters; the limit is {MAX_MESSAGE_CHARS}: shorten it"
        ));
    }
    let workflow = runner.workflow;
    let to = args
        .to
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && Some(t) != workflow.home_chat.as_ref());
    if let Some(target) = &to {
        // The workflow's own chat, or a chat its plan already sends to (checked
        // when the workflow was confirmed); nowhere a page could talk it into.
        let allowed = Plan::parse(&workflow.plan_json, &workflow.placeholders)
            .map(|plan| plan.message_targets().contains(&target.as_str()))
            .unwrap_or(false);
        if !allowed {
            return Err(format!(
                "this workflow may not send to '{}'; leave 'to' null to send to its own chat",
                clip(target, 80)
            ));
        }
    }
    let audience = runner.audience(to);
    // A workflow without a chat (imported by an operator) speaks to
    // steward's own output, as its `message` steps do.
    let chat = audience.to.clone();
    // What goes out to people never carries steward's own secrets.
    let text = runner.engine.redactor.secrets(text);
    runner
        .engine
        .notifier
        .notify(Notice::Message {
            audience,
            run_id: runner.run.id,
            text,
        })
        .await;
    usage.messages += 1;
    Ok(json!({ "sent": true, "to": chat }))
}
