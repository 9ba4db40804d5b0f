//! Discord, driven the way Discord drives it: gateway dispatches and
//! interaction payloads in Discord's documented shapes go through the
//! adapter's event handler, and every answer is observed at a fake Discord
//! REST server, reached through serenity's HTTP client (`DISCORD_API_URL`).

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use steward::chat::discord::{interactions, Bot, Discord};
use steward::chat::{Outbound, Retry};
use steward::config::{DiscordConfig, Secret};
use steward::workflow::notify::Notice;
use steward::workflow::{Definition, RunStatus, WorkflowStatus};

use crate::discord_payloads::*;
use crate::fake_discord::{Call, FakeDiscord};
use crate::fake_discord_gateway::FakeGateway;
use crate::helpers::Chat;

mod buttons;
mod delivery;
mod messages;
mod slash;

const SERVER_MEMBER: Place = Place::Guild {
    permissions: MEMBER,
};
const SERVER_MANAGER: Place = Place::Guild {
    permissions: MANAGER,
};

/// steward with its Discord adapter pointed at a fake Discord.
struct Setup {
    chat: Chat,
    fake: FakeDiscord,
    discord: Discord,
    bot: Bot,
}

impl Setup {
    /// Alice, Bob and Carol have set their zone (UTC), so their timed
    /// requests are drafted at once.
    async fn start() -> Setup {
        let setup = Setup::newcomers().await;
        for person in [ALICE, BOB, CAROL] {
            zone_set(&setup.chat, person).await;
        }
        setup
    }

    /// Nobody has told steward their zone.
    async fn newcomers() -> Setup {
        let chat = Chat::start("2026-11-20T10:00:00Z").await;
        let fake = FakeDiscord::start().await;
        let discord = fake.discord();
        let agent = chat
            .app
            .agent(&chat.config, Duration::from_secs(30))
            .unwrap();
        let bot = discord.bot(Arc::new(agent));
        Setup {
            chat,
            fake,
            discord,
            bot,
        }
    }

    /// A gateway dispatch (`{"t": ..., "d": ...}`) through the handler.
    async fn event(&self, dispatch: Value) {
        let event = serde_json::from_value(dispatch).expect("a dispatch serenity reads");
        self.bot.on_event(event).await;
    }

    /// An interaction as the gateway delivers it; the requests it caused.
    async fn interact(&self, interaction: Value) -> Vec<Call> {
        self.event(interaction_create(interaction)).await;
        self.fake.take()
    }

    /// `user` creates a workflow with `/workflow new` at `place` and
    /// presses Create.
    async fn create(&self, user: u64, place: Place, text: &str) {
        let drafted = self
            .interact(slash(user, place, "new", Some(("text", text))))
            .await;
        assert!(content(&drafted[0]).contains("(draft"), "{drafted:?}");
        let created = self.interact(press(user, place, "confirm", true)).await;
        assert!(content(&created[0]).starts_with("Created"), "{created:?}");
    }
}

impl Setup {
    /// Stores a workflow as `steward workflows import` would; its id.
    async fn import(&self, definition: Value) -> i64 {
        let definition: Definition = serde_json::from_value(definition).unwrap();
        let now = crate::helpers::at("2026-11-20T10:00:00Z");
        let new = definition
            .validate(now, steward::schedule::Zone::UTC, 60)
            .unwrap();
        let next = new.schedule.next_after(now);
        let store = &self.chat.app.store;
        let mut tx = store.begin_write().await.unwrap();
        let id = steward::store::workflows::insert(&mut tx, &new, next, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }
}

/// `person` has told steward their zone is UTC.
async fn zone_set(chat: &Chat, person: u64) {
    let store = &chat.app.store;
    let now = crate::helpers::at("2026-11-20T10:00:00Z");
    steward::store::users::ensure(store, &user(person), None, now)
        .await
        .unwrap();
    steward::store::users::set_timezone(store.pool(), &user(person), "UTC")
        .await
        .unwrap();
}

fn user(id: u64) -> String {
    format!("discord:{id}")
}

fn content(call: &Call) -> &str {
    call.body["data"]["content"]
        .as_str()
        .or_else(|| call.body["content"].as_str())
        .unwrap_or_else(|| panic!("no content in {call:?}"))
}

/// The (label, custom_id) of every button in a message body.
fn buttons(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["label"].as_str().unwrap_or_default().to_string(),
                verb(b["custom_id"].as_str().unwrap_or_default()),
            )
        })
        .collect()
}

/// A draft button's action without the token naming its draft
/// ("confirm:1a2b3c4d" → "confirm"); other actions as they are.
fn verb(action: &str) -> String {
    match action.split_once(':') {
        Some((verb @ ("confirm" | "cancel"), token))
            if token.len() == 8 && token.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            verb.to_string()
        }
        _ => action.to_string(),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Whether a message body has the EPHEMERAL flag (64).
fn ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().unwrap_or(0) & 64 != 0
}

fn is_callback(call: &Call) -> bool {
    call.method == "POST"
        && call.path.starts_with("/api/v10/interactions/")
        && call.path.ends_with("/callback")
}
