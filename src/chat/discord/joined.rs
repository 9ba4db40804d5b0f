//! A server that adds steward is greeted once, in its system channel.
//!
//! Discord sends GUILD_CREATE for every server at the start of a session
//! and again when steward joins one; READY lists the servers it was in. A
//! GUILD_CREATE for a server READY did not list is a new one. (A server
//! joined while steward was offline arrives in READY and is not greeted.)

use serenity::http::Http;
use serenity::model::guild::Guild;
use serenity::model::id::{GuildId, UserId};
use std::collections::HashSet;
use std::sync::Mutex;

use super::send;
use crate::chat::Outbound;

/// The servers steward knows it is in; `None` until the first READY.
#[derive(Default)]
pub struct Joined {
    known: Mutex<Option<HashSet<GuildId>>>,
}

impl Joined {
    /// READY: the servers of this session are known (not new).
    pub fn ready(&self, guilds: impl IntoIterator<Item = GuildId>) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.get_or_insert_with(HashSet::new).extend(guilds);
    }

    /// Whether `guild` is one steward just joined (and remembers it).
    fn is_new(&self, guild: GuildId) -> bool {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.as_mut().is_some_and(|known| known.insert(guild))
    }

    /// GUILD_CREATE: greets a server steward just joined, in its system
    /// channel (a server without one is not greeted).
    pub async fn guild_create(&self, http: &Http, guild: &Guild, me: Option<UserId>) {
        if !self.is_new(guild.id) {
            return;
        }
        let Some(channel) = guild.system_channel_id else {
            tracing::info!(guild = %guild.id, "joined a server without a system channel; not greeting it");
            return;
        };
        let mention = me.map_or("@steward".to_string(), |me| format!("<@{me}>"));
        let hello = Outbound::text(crate::agent::group_greeting(&mention));
        if let Err(error) = send::post(http, channel, &hello, None).await {
            tracing::warn!(error = %error.message, guild = %guild.id, "greeting a new server failed");
        }
    }
}
