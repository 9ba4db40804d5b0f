//! The chat platforms' connections in `serve`: Telegram (long polling or the
//! webhook) and the Discord gateway. Long polling and the gateway run in one
//! replica at a time, under a lease (`leader.rs`); the webhook takes
//! Telegram's posts in whichever replica they reach.

use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::leader::Leadership;
use crate::agent::Agent;
use crate::chat::discord::Discord;
use crate::chat::telegram::Telegram;
use crate::config::{DiscordConfig, TelegramConfig};
use crate::http;

/// The lease names in the `leaders` table.
pub const TELEGRAM_LEASE: &str = "telegram-polling";
pub const DISCORD_LEASE: &str = "discord-gateway";

type Tasks = JoinSet<(&'static str, anyhow::Result<()>)>;

/// Starts Telegram when configured: the webhook at once (its route is
/// returned for the HTTP server), long polling when this process holds the
/// lease.
pub fn spawn_telegram(
    tasks: &mut Tasks,
    config: &TelegramConfig,
    agent: &Arc<Agent>,
    leadership: &Leadership,
    stopped: &watch::Receiver<bool>,
) -> anyhow::Result<Option<http::Router>> {
    let (agent, stopped) = (Arc::clone(agent), stopped.clone());
    if config.webhook_url.is_some() {
        let mut telegram = Telegram::new(config)?;
        let router = telegram.webhook_router();
        // Reads the updates Telegram posts to the webhook until stopped.
        tasks.spawn(async move { ("telegram", telegram.run(agent, stopped).await) });
        return Ok(router);
    }
    let (config, leadership) = (config.clone(), leadership.clone());
    // Long polling while this process holds the lease; a new client each
    // time it takes the lease over.
    tasks.spawn(async move {
        let polling = leadership.run(TELEGRAM_LEASE, stopped, move |disconnect| {
            let (config, agent) = (config.clone(), Arc::clone(&agent));
            async move { Telegram::new(&config)?.run(agent, disconnect).await }
        });
        ("telegram", polling.await)
    });
    Ok(None)
}

/// Starts the Discord gateway connection while this process holds the lease.
pub fn spawn_discord(
    tasks: &mut Tasks,
    config: &DiscordConfig,
    agent: &Arc<Agent>,
    leadership: &Leadership,
    stopped: &watch::Receiver<bool>,
) {
    let (agent, stopped) = (Arc::clone(agent), stopped.clone());
    let (config, leadership) = (config.clone(), leadership.clone());
    // The gateway connection and its event handlers, in one replica at a
    // time, until stopped.
    tasks.spawn(async move {
        let gateway = leadership.run(DISCORD_LEASE, stopped, move |disconnect| {
            let (config, agent) = (config.clone(), Arc::clone(&agent));
            async move { Discord::new(&config)?.run(agent, disconnect).await }
        });
        ("discord", gateway.await)
    });
}
