//! What Discord's gateway delivers, in the shapes Discord documents:
//! interactions (slash commands, autocomplete, button presses), messages,
//! READY. serenity reads them with its own (strict) models, as in production.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// The application, the bot's user, a server, its channel and a DM channel.
pub const APP: u64 = 1_100_000_000_000_000_001;
pub const BOT: u64 = 1_100_000_000_000_000_002;
pub const GUILD: u64 = 1_200_000_000_000_000_001;
pub const CHANNEL: u64 = 1_200_000_000_000_000_002;
pub const DM: u64 = 1_300_000_000_000_000_001;
/// People.
pub const ALICE: u64 = 1_400_000_000_000_000_001;
pub const BOB: u64 = 1_400_000_000_000_000_002;
pub const CAROL: u64 = 1_400_000_000_000_000_003;

/// Permissions as Discord sends them for a member: a plain member's, and
/// one with Manage Server (1 << 5) besides.
pub const MEMBER: u64 = 0x0000_0000_0006_4c40; // view, send, read history, embed, attach
pub const MANAGER: u64 = MEMBER | (1 << 5);

/// Where something happens: a server channel (with the member's
/// permissions there) or the DM with the bot.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Guild { permissions: u64 },
    Dm,
}

pub fn user_object(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": null,
        "public_flags": 0,
        "bot": bot
    })
}

pub fn name_of(user: u64) -> &'static str {
    match user {
        ALICE => "alice",
        BOB => "bob",
        CAROL => "carol",
        BOT => "steward",
        _ => "someone",
    }
}

fn member_object(user: u64, permissions: u64) -> Value {
    json!({
        "user": user_object(user, name_of(user), false),
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": [],
        "joined_at": "2025-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": permissions.to_string(),
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null
    })
}

static INTERACTIONS: AtomicU64 = AtomicU64::new(1_600_000_000_000_000_000);

/// The fields every interaction has, for `user` at `place`.
fn interaction(kind: u8, user: u64, place: Place, data: Value) -> Value {
    let id = INTERACTIONS.fetch_add(1, Ordering::SeqCst);
    let mut value = json!({
        "id": id.to_string(),
        "application_id": APP.to_string(),
        "type": kind,
        "data": data,
        "token": format!("aW50ZXJhY3Rpb246{id}"),
        "version": 1,
        "app_permissions": "562949953421311",
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26214400
    });
    match place {
        Place::Guild { permissions } => {
            value["guild_id"] = json!(GUILD.to_string());
            value["channel_id"] = json!(CHANNEL.to_string());
            value["channel"] = json!({
                "id": CHANNEL.to_string(), "type": 0, "name": "general",
                "guild_id": GUILD.to_string(), "permissions": permissions.to_string()
            });
            value["member"] = member_object(user, permissions);
            value["guild_locale"] = json!("en-US");
            value["authorizing_integration_owners"] = json!({"0": GUILD.to_string()});
            value["context"] = json!(0);
        }
        Place::Dm => {
            value["channel_id"] = json!(DM.to_string());
            value["channel"] = json!({
                "id": DM.to_string(), "type": 1, "name": null,
                "recipients": [user_object(user, name_of(user), false)]
            });
            value["user"] = user_object(user, name_of(user), false);
            value["authorizing_integration_owners"] = json!({"0": "0"});
            value["context"] = json!(1);
        }
    }
    value
}

/// `/workflow <sub> [option]` (APPLICATION_COMMAND, type 2). `option` is
/// (name, value).
pub fn slash(user: u64, place: Place, sub: &str, option: Option<(&str, &str)>) -> Value {
    let options: Vec<Value> = option
        .map(|(name, value)| json!({"name": name, "type": 3, "value": value}))
        .into_iter()
        .collect();
    let data = json!({
        "id": "1700000000000000001",
        "name": "workflow",
        "type": 1,
        "options": [{"name": sub, "type": 1, "options": options}]
    });
    interaction(2, user, place, data)
}

/// Any top-level command, `/name [option]`.
pub fn top_level(user: u64, place: Place, name: &str, option: Option<(&str, &str)>) -> Value {
    let options: Vec<Value> = option
        .map(|(name, value)| json!({"name": name, "type": 3, "value": value}))
        .into_iter()
        .collect();
    let data = json!({"id": "1700000000000000002", "name": name, "type": 1, "options": options});
    interaction(2, user, place, data)
}

/// Typing in `/workflow <sub> name:` (APPLICATION_COMMAND_AUTOCOMPLETE, type 4).
pub fn autocomplete(user: u64, place: Place, sub: &str, typed: &str) -> Value {
    let data = json!({
        "id": "1700000000000000001",
        "name": "workflow",
        "type": 1,
        "options": [{"name": sub, "type": 1, "options": [
            {"name": "name", "type": 3, "value": typed, "focused": true}
        ]}]
    });
    interaction(4, user, place, data)
}

/// A message by the bot, as Discord sends message objects.
pub fn bot_message(
    id: &str,
    channel: &str,
    content: Value,
    flags: Value,
    components: Value,
) -> Value {
    json!({
        "id": id,
        "channel_id": channel,
        "author": user_object(BOT, "steward", true),
        "content": content,
        "timestamp": "2026-11-20T10:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": flags,
        "components": components
    })
}

/// Pressing the button `custom_id` (MESSAGE_COMPONENT, type 3) on a message
/// of the bot's; `ephemeral` for one only the presser sees.
pub fn press(user: u64, place: Place, custom_id: &str, ephemeral: bool) -> Value {
    let channel = match place {
        Place::Guild { .. } => CHANNEL,
        Place::Dm => DM,
    };
    let message = bot_message(
        "1800000000000000001",
        &channel.to_string(),
        json!("the message the buttons are on"),
        json!(if ephemeral { 64 } else { 0 }),
        json!([{"type": 1, "components": [
            {"type": 2, "style": 3, "label": "Yes", "custom_id": custom_id}
        ]}]),
    );
    let mut value = interaction(
        3,
        user,
        place,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    value["message"] = message;
    value
}

static MESSAGES: AtomicU64 = AtomicU64::new(1_900_000_000_000_000_000);

/// A MESSAGE_CREATE dispatch: `content` by `author` at `place`, mentioning
/// the users in `mentions`.
pub fn message_create(author: Value, place: Place, content: &str, mentions: &[u64]) -> Value {
    let id = MESSAGES.fetch_add(1, Ordering::SeqCst);
    let mentions: Vec<Value> = mentions
        .iter()
        .map(|&u| user_object(u, name_of(u), u == BOT))
        .collect();
    let mut message = json!({
        "id": id.to_string(),
        "author": author,
        "content": content,
        "timestamp": "2026-11-20T10:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
        "nonce": id.to_string()
    });
    match place {
        Place::Guild { .. } => {
            message["channel_id"] = json!(CHANNEL.to_string());
            message["guild_id"] = json!(GUILD.to_string());
            message["member"] = json!({
                "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "nick": null
            });
        }
        Place::Dm => message["channel_id"] = json!(DM.to_string()),
    }
    json!({"t": "MESSAGE_CREATE", "s": 7, "op": 0, "d": message})
}

/// An INTERACTION_CREATE dispatch.
pub fn interaction_create(interaction: Value) -> Value {
    json!({"t": "INTERACTION_CREATE", "s": 8, "op": 0, "d": interaction})
}

/// The READY dispatch that starts a session.
pub fn ready() -> Value {
    json!({"t": "READY", "s": 1, "op": 0, "d": {
        "v": 10,
        "user": {
            "id": BOT.to_string(), "username": "steward", "discriminator": "0",
            "global_name": null, "avatar": null, "bot": true, "verified": true,
            "mfa_enabled": false, "flags": 0
        },
        "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
        "session_id": "8a6f5d4c3b2a1908",
        "resume_gateway_url": "wss://gateway-us-east1-b.discord.gg",
        "shard": [0, 1],
        "application": {"id": APP.to_string(), "flags": 8953856}
    }})
}

/// GUILD_CREATE for server `guild`, with its system channel.
pub fn guild_create(guild: u64, system_channel: Option<u64>) -> Value {
    let mut server = json!({
        "id": guild.to_string(), "name": "Garden club", "icon": null, "icon_hash": null,
        "splash": null, "discovery_splash": null, "owner_id": ALICE.to_string(),
        "widget_enabled": false, "widget_channel_id": null, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [], "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
        "system_channel_id": system_channel.map(|c| c.to_string()), "system_channel_flags": 0,
        "rules_channel_id": null, "max_presences": null, "max_members": 500000,
    });
    let more = json!({
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US",
        "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [],
        "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
    });
    // The fields only GUILD_CREATE carries.
    let created = json!({
        "joined_at": "2026-11-20T10:00:00.000000+00:00", "large": false, "member_count": 2,
        "voice_states": [], "members": [], "channels": [], "threads": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": [], "incidents_data": null
    });
    for part in [more, created] {
        if let (Some(server), Value::Object(part)) = (server.as_object_mut(), part) {
            server.extend(part);
        }
    }
    json!({"t": "GUILD_CREATE", "s": 2, "op": 0, "d": server})
}
