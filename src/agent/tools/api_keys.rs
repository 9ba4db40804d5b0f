//! `api_keys`: the person's REST API keys — make one, list them, revoke
//! them all. A new key is handed out only in a private chat (a direct
//! message, the terminal, the chat API); in a group or a channel others
//! would read it. The key itself never reaches the model or the history:
//! the turn keeps it aside and the reply shows it once ([`Turn::reveal`]).

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

use super::schema::tool;
use super::{manage_failed, parse, Outcome, Tool};
use crate::agent::turn::Turn;
use crate::agent::{Agent, AnswerBy};
use crate::llm::ToolSpec;

/// The answer in a group or a channel.
pub(crate) const PRIVATE_ONLY: &str =
    "I'll only hand out keys in a private chat — message me directly.";

pub(super) struct ApiKeys;

#[async_trait]
impl Tool for ApiKeys {
    fn name(&self) -> &'static str {
        "api_keys"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "The user's REST API keys: 'create' makes one (shown to them once, only in a private chat; you never see it), 'list' shows theirs, 'revoke' revokes all of theirs.",
            json!({ "action": { "type": "string", "enum": ["create", "list", "revoke"] } }),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, args: &Value) -> Result<Outcome, String> {
        let args: KeyArgs = parse(self.name(), args)?;
        match args.action.as_str() {
            "create" => create(turn, agent).await,
            "list" => list(turn, agent).await,
            "revoke" => revoke(turn, agent).await,
            other => Err(format!(
                "unknown action '{}': create, list or revoke",
                crate::agent::render::clip(other, 20)
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyArgs {
    action: String,
}

/// Whether only this person reads the chat.
fn private(turn: &Turn) -> bool {
    turn.answer_by == AnswerBy::Words
}

async fn create(turn: &mut Turn, agent: &Agent) -> Result<Outcome, String> {
    if !private(turn) {
        return Ok(Outcome::ok(
            json!({ "created": false, "reason": "not a private chat" }),
            PRIVATE_ONLY,
        ));
    }
    let made = agent
        .manage
        .make_api_key(&turn.actor, "chat")
        .await
        .map_err(manage_failed)?;
    turn.reveal = Some(made.key);
    Ok(Outcome::ok(
        json!({ "created": true, "prefix": made.prefix, "shown_to_user": true }),
        format!(
            "I made you an API key ({}…). It is shown below once; I keep only its hash. Send it to /api/v1 as a bearer token in the Authorization header (docs/api.md); 'revoke my api keys' stops it.",
            made.prefix
        ),
    ))
}

async fn list(turn: &mut Turn, agent: &Agent) -> Result<Outcome, String> {
    let keys = agent
        .manage
        .api_keys(&turn.actor)
        .await
        .map_err(manage_failed)?;
    let live: Vec<_> = keys.iter().filter(|k| k.revoked_at.is_none()).collect();
    if live.is_empty() {
        return Ok(Outcome::ok(
            json!({ "keys": [] }),
            "You have no API keys in use. Say 'give me an API key' in a private chat to get one.",
        ));
    }
    let lines: Vec<String> = live
        .iter()
        .map(|k| {
            let used = k
                .last_used_at
                .map(|at| format!("last used {}", at.format("%Y-%m-%d")))
                .unwrap_or_else(|| "never used".into());
            format!(
                "• {}… \"{}\", made {}, {used}",
                k.prefix,
                k.name,
                k.created_at.format("%Y-%m-%d")
            )
        })
        .collect();
    let value: Vec<Value> = live
        .iter()
        .map(|k| json!({ "prefix": k.prefix, "name": k.name }))
        .collect();
    Ok(Outcome::ok(
        json!({ "keys": value }),
        format!("Your API keys:\n{}", lines.join("\n")),
    ))
}

async fn revoke(turn: &mut Turn, agent: &Agent) -> Result<Outcome, String> {
    let revoked = agent
        .manage
        .revoke_api_keys(&turn.actor)
        .await
        .map_err(manage_failed)?;
    let text = match revoked {
        0 => "You had no API keys in use; nothing to revoke.".to_string(),
        1 => "Revoked your API key; it no longer works.".to_string(),
        n => format!("Revoked your {n} API keys; they no longer work."),
    };
    Ok(Outcome::ok(json!({ "revoked": revoked }), text))
}
