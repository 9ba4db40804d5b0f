//! Discord (serenity): DMs and mentions, the slash commands, autocomplete of
//! workflow names, buttons, and delivery of run results to home chats.
//!
//! - [`Bot::on_event`] reads gateway events: `READY` registers the commands,
//!   `MESSAGE_CREATE` goes to [`messages`], `INTERACTION_CREATE` to
//!   [`interactions`], `GUILD_CREATE` of a server just joined to `joined`
//!   (a greeting); every other event is ignored.
//! - [`commands`] defines the slash commands (names in them are completed
//!   by `autocomplete`); [`identity`] names people and
//!   chats (`discord:<user>`, `discord:<guild>:<channel>`, `discord:dm:<channel>`);
//!   [`send`] posts messages and is the [`Platform`] delivery uses.
//!
//! All REST calls steward makes go through one serenity [`Http`] client (one
//! rate limiter): the one built by [`Discord::new`]. The gateway client has
//! its own, used by serenity for the gateway's address only.

mod autocomplete;
pub mod commands;
pub mod identity;
pub mod interactions;
mod joined;
pub mod messages;
pub mod send;

use anyhow::Context as _;
use secrecy::ExposeSecret;
use serenity::all::{Context, Event, GatewayIntents, Ready};
use serenity::builder::CreateAllowedMentions;
use serenity::client::{ClientBuilder, RawEventHandler};
use serenity::http::{Http, HttpBuilder};
use serenity::model::application::Command;
use serenity::model::id::UserId;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;

use super::Platform;
use crate::agent::Agent;
use crate::config::DiscordConfig;

/// What a person is told when their message could not be answered (the
/// cause is logged, never shown).
pub const SORRY: &str = "Something went wrong on my side; try again in a moment.";

/// The longest a REST call may take (Discord answers in well under a second).
const REST_TIMEOUT: Duration = Duration::from_secs(15);
/// How long stopping waits for the gateway connection to close.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The gateway events steward needs: messages in servers (only those that
/// mention the bot carry their text) and in DMs, and GUILDS for
/// GUILD_CREATE (a server that adds steward is greeted). Interactions come
/// without any intent; MESSAGE_CONTENT, a privileged intent, is not asked for.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// The Discord adapter: a REST client for delivery, and the gateway
/// connection with its event handlers.
pub struct Discord {
    config: DiscordConfig,
    http: Arc<Http>,
}

impl Discord {
    /// Builds the REST client (no network yet).
    pub fn new(config: &DiscordConfig) -> anyhow::Result<Discord> {
        Ok(Discord {
            config: config.clone(),
            http: Arc::new(rest_client(config)?),
        })
    }

    /// The REST client every answer and delivery goes through.
    pub fn http(&self) -> Arc<Http> {
        Arc::clone(&self.http)
    }

    /// Delivery to `discord:` home chats.
    pub fn platform(&self) -> Arc<dyn Platform> {
        Arc::new(send::DiscordPlatform::new(self.http()))
    }

    /// The event handler, answering through this adapter's REST client.
    pub fn bot(&self, agent: Arc<Agent>) -> Bot {
        Bot::new(self.http(), agent)
    }

    /// Logs in to the gateway and handles events until `stopped`, then shuts
    /// the shards down. Ends early with an error when the gateway refuses
    /// the connection for good (an invalid token, intents not allowed).
    pub async fn run(
        self,
        agent: Arc<Agent>,
        mut stopped: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let handler = Handler(Arc::new(self.bot(agent)));
        let gateway_http = rest_client(&self.config)?;
        let mut client = ClientBuilder::new_with_http(gateway_http, intents())
            .raw_event_handler(handler)
            .await
            .context("setting up the Discord client")?;
        let shards = Arc::clone(&client.shard_manager);
        // The gateway connection: serenity reconnects by itself and returns
        // only on a fatal error, or once the shards are shut down below.
        let connection = client.start();
        tokio::pin!(connection);
        tokio::select! {
            ended = &mut connection => {
                return ended.context("the Discord gateway connection ended");
            }
            _ = stopped.wait_for(|stop| *stop) => {}
        }
        shards.shutdown_all().await;
        if tokio::time::timeout(SHUTDOWN_WAIT, connection)
            .await
            .is_err()
        {
            tracing::warn!("the Discord gateway did not close in time");
        }
        Ok(())
    }
}

/// serenity's REST client: `Bot <token>` on every request, no pings from
/// any text steward sends (allowed mentions empty by default), a timeout.
///
/// With `DISCORD_API_URL` every request goes to that proxy instead of
/// discord.com, and serenity's own rate limiter is off: it builds its
/// requests for discord.com whatever the proxy (serenity http/ratelimiting.rs
/// passes no proxy), so with it on the proxy would be bypassed. The proxy
/// (twilight-http-proxy) keeps to Discord's limits itself.
fn rest_client(config: &DiscordConfig) -> anyhow::Result<Http> {
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(Duration::from_secs(10))
        .timeout(REST_TIMEOUT)
        .build()
        .context("building the Discord REST client")?;
    let mut builder = HttpBuilder::new(config.token.expose_secret())
        .client(client)
        .default_allowed_mentions(CreateAllowedMentions::new());
    if let Some(api_url) = &config.api_url {
        let parsed = url::Url::parse(api_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if parsed.is_none() {
            anyhow::bail!("DISCORD_API_URL is '{api_url}'; expected an http(s) URL like http://127.0.0.1:3000");
        }
        builder = builder
            .proxy(api_url.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    Ok(builder.build())
}

/// Handles gateway events with the agent, answering through one REST client.
pub struct Bot {
    http: Arc<Http>,
    agent: Arc<Agent>,
    /// The bot's own user, from READY: mentions of it are what a server
    /// message must have to be read.
    me: OnceLock<UserId>,
    /// Whether the slash commands were registered (READY comes again after
    /// each new session; once per process is enough).
    registered: AtomicBool,
    /// The servers steward is in, to greet the ones it joins.
    joined: joined::Joined,
}

impl Bot {
    pub fn new(http: Arc<Http>, agent: Arc<Agent>) -> Bot {
        Bot {
            http,
            agent,
            me: OnceLock::new(),
            registered: AtomicBool::new(false),
            joined: joined::Joined::default(),
        }
    }

    /// The bot's user id, once known.
    pub fn me(&self) -> Option<UserId> {
        self.me.get().copied()
    }

    /// Handles one gateway event; those steward has no use for are ignored.
    pub async fn on_event(&self, event: Event) {
        match event {
            Event::Ready(ready) => self.ready(&ready.ready).await,
            Event::MessageCreate(created) => {
                messages::handle(&self.http, &self.agent, self.me(), &created.message).await;
            }
            Event::GuildCreate(created) => {
                self.joined
                    .guild_create(&self.http, &created.guild, self.me())
                    .await;
            }
            Event::InteractionCreate(created) => {
                interactions::handle(&self.http, &self.agent, &created.interaction).await;
            }
            _ => {}
        }
    }

    /// Learns who the bot is and registers the slash commands globally.
    async fn ready(&self, ready: &Ready) {
        let _ = self.me.set(ready.user.id);
        self.joined.ready(ready.guilds.iter().map(|g| g.id));
        self.http.set_application_id(ready.application.id);
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        if self.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        match Command::set_global_commands(&self.http, commands::definitions()).await {
            Ok(registered) => {
                tracing::info!(commands = registered.len(), "slash commands registered")
            }
            Err(error) => {
                // The commands registered before stay; try again next READY.
                self.registered.store(false, Ordering::SeqCst);
                tracing::error!(error = %send::send_error(&error).message, "registering the slash commands failed");
            }
        }
    }
}

/// serenity's side: every event, as parsed, to [`Bot::on_event`]. (A raw
/// handler rather than `EventHandler`'s one method per event, so the same
/// function that serves the gateway can be driven with Discord's event
/// payloads in tests.)
struct Handler(Arc<Bot>);

#[serenity::async_trait]
impl RawEventHandler for Handler {
    async fn raw_event(&self, _context: Context, event: Event) {
        self.0.on_event(event).await;
    }
}
