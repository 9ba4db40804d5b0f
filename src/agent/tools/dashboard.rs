//! `dashboard`: a one-time link that signs the person in to the web
//! dashboard, valid ten minutes. Like an API key it is handed out only in
//! a private chat, never reaches the model or the history, and is shown
//! once below the reply ([`Turn::reveal`]).

use async_trait::async_trait;
use serde_json::{json, Value};

use super::schema::tool;
use super::{manage_failed, Outcome, Tool};
use crate::agent::hook_words::is_private;
use crate::agent::turn::Turn;
use crate::agent::Agent;
use crate::llm::ToolSpec;

/// The answer in a group or a channel.
pub(crate) const PRIVATE_ONLY: &str =
    "I send dashboard sign-in links only in a private chat — message me directly and say 'dashboard'.";

pub(super) struct Dashboard;

#[async_trait]
impl Tool for Dashboard {
    fn name(&self) -> &'static str {
        "dashboard"
    }

    fn spec(&self) -> ToolSpec {
        tool(
            self.name(),
            "A one-time link that signs the user in to the web dashboard (valid 10 minutes, used once; shown to them only in a private chat, you never see it).",
            json!({}),
        )
    }

    async fn call(&self, turn: &mut Turn, agent: &Agent, _args: &Value) -> Result<Outcome, String> {
        if !is_private(turn) {
            return Ok(Outcome::ok(
                json!({ "sent": false, "reason": "not a private chat" }),
                PRIVATE_ONLY,
            ));
        }
        let token = agent
            .manage
            .sign_in_link(&turn.actor)
            .await
            .map_err(manage_failed)?;
        turn.reveal = Some(format!("{}/sign-in/{token}", agent.settings.public_url));
        let minutes = crate::manage::LINK_LIFETIME.num_minutes();
        Ok(Outcome::ok(
            json!({ "sent": true, "shown_to_user": true }),
            format!(
                "Here is your sign-in link to the dashboard, below. It works once, for {minutes} minutes; open it in your browser and press Sign in. Ask again for a new one any time."
            ),
        ))
    }
}
