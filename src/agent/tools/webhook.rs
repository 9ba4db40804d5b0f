//! `webhook`: a webhook workflow's URL and secret, shown again or rotated
//! (new ones; the old URL stops working). Only in a private chat, below the
//! reply and never in the history or the model's view.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::{tool, workflow};
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::hook_words;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

pub(super) struct WebhookTool;

#[async_trait]
impl Tool for WebhookTool {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "Show a webhook-triggered workflow's URL and secret to the user (only in a private chat; you never see them), or rotate them (new ones; the old URL stops working).",
            json!({
                "workflow": workflow(),
                "rotate": { "type": "boolean", "description": "true to make a new URL and secret." }
            }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        show(turn, agent, parse::<HookArgs>(self.name(), args)?).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HookArgs {
    workflow: String,
    #[serde(default)]
    rotate: bool,
}

async fn show(turn: &mut Turn, agent: &Agent, args: HookArgs) -> Result<Outcome, String> {
    let w = turn.resolve(agent, &args.workflow).await?;
    turn.focus(w.id);
    if !hook_words::is_private(turn) {
        let text = hook_words::ask_privately(w.id);
        return Ok(Outcome::ok(json!({ "id": w.id, "shown": false }), text));
    }
    let hook = agent
        .manage
        .hook(&turn.actor, w.id, args.rotate)
        .await
        .map_err(manage_failed)?;
    let check = w
        .trigger_expression
        .split_whitespace()
        .next()
        .unwrap_or("path");
    let said = hook_words::tell(turn, agent, w.id, check, &hook);
    let rotated = if args.rotate {
        "New URL and secret for"
    } else {
        "The webhook of"
    };
    Ok(Outcome::ok(
        json!({ "id": w.id, "shown": true, "rotated": args.rotate }),
        format!("{rotated} #{} \"{}\". {said}", w.id, w.name),
    ))
}
