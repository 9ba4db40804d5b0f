//! Telegram (teloxide): long polling by default, or a webhook served by
//! steward's HTTP server with Telegram's `secret_token` checked. The Bot API
//! URL is configurable (`TELEGRAM_API_URL`) for self-hosted Bot API servers
//! and tests. Updates become [`Inbound`](crate::agent::Inbound)s
//! (`updates.rs`); replies and notices go out as plain text (`send.rs`).

mod answer;
mod commands;
mod send;
mod updates;

use anyhow::Context;
use futures::StreamExt;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::update_listeners::{webhooks, Polling, UpdateListener};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Platform;
use crate::agent::Agent;
use crate::backoff::Backoff;
use crate::config::TelegramConfig;

pub use commands::{help, Command};
pub use send::{TelegramPlatform, MAX_CHARS};
pub use updates::{read, Incoming};

/// The updates steward asks Telegram for.
/// (`MyChatMember`: steward was added to a group, which it greets once.)
const ALLOWED: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MyChatMember,
];

/// The Telegram adapter.
pub struct Telegram {
    bot: Bot,
    webhook: Option<Webhook>,
}

/// Webhook mode: where Telegram posts, the secret it sends, and the
/// listener fed by the route (built by `webhook_router`).
struct Webhook {
    url: url::Url,
    secret: String,
    listener: Option<Box<dyn Listener>>,
}

/// A teloxide update listener, boxed (polling and the webhook differ in type).
trait Listener: Send {
    fn updates(&mut self) -> futures::stream::BoxStream<'_, Result<Update, String>>;
    fn stop_token(&mut self) -> StopToken;
}

impl<L> Listener for L
where
    L: UpdateListener + Send,
    L::Err: std::fmt::Display,
    for<'a> <L as teloxide::update_listeners::AsUpdateStream<'a>>::Stream: Send,
{
    fn updates(&mut self) -> futures::stream::BoxStream<'_, Result<Update, String>> {
        self.as_stream()
            .map(|r| r.map_err(|e| e.to_string()))
            .boxed()
    }

    fn stop_token(&mut self) -> StopToken {
        UpdateListener::stop_token(self)
    }
}

impl Telegram {
    /// The bot client (no network yet).
    pub fn new(config: &TelegramConfig) -> anyhow::Result<Telegram> {
        let mut bot = Bot::new(config.token.expose_secret());
        if let Some(url) = &config.api_url {
            bot = bot.set_api_url(url.clone());
        }
        let webhook = match &config.webhook_url {
            Some(url) => Some(Webhook {
                url: url.clone(),
                secret: match &config.webhook_secret {
                    Some(secret) => secret.expose_secret().to_string(),
                    None => random_secret()?,
                },
                listener: None,
            }),
            None => None,
        };
        Ok(Telegram { bot, webhook })
    }

    /// Delivery to `telegram:` home chats.
    pub fn platform(&self) -> Arc<dyn Platform> {
        Arc::new(TelegramPlatform {
            bot: self.bot.clone(),
        })
    }

    /// In webhook mode, the route Telegram posts updates to (the path of
    /// `TELEGRAM_WEBHOOK_URL`), merged into steward's HTTP server.
    pub fn webhook_router(&mut self) -> Option<axum::Router> {
        let webhook = self.webhook.as_mut()?;
        // The address is unused: steward's own server serves the router.
        let options = webhooks::Options::new(([127, 0, 0, 1], 0).into(), webhook.url.clone())
            .secret_token(webhook.secret.clone());
        let (listener, _stopped, router) = webhooks::axum_no_setup(options);
        webhook.listener = Some(Box::new(listener));
        Some(router)
    }

    /// Where updates come from: the webhook (registered with Telegram now)
    /// or long polling.
    async fn listener(self) -> anyhow::Result<Box<dyn Listener>> {
        Ok(match self.webhook {
            Some(mut webhook) => {
                let listener = webhook
                    .listener
                    .take()
                    .context("webhook mode needs webhook_router() before run()")?;
                self.bot
                    .set_webhook(webhook.url.clone())
                    .secret_token(webhook.secret.clone())
                    .allowed_updates(ALLOWED)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("telegram: setWebhook failed: {}", send::classify(&e))
                    })?;
                tracing::info!(path = webhook.url.path(), "telegram: webhook mode");
                listener
            }
            None => {
                let polling = Polling::builder(self.bot.clone())
                    .timeout(Duration::from_secs(10))
                    .allowed_updates(ALLOWED.to_vec())
                    .delete_webhook()
                    .await
                    .build();
                tracing::info!("telegram: long polling");
                Box::new(polling)
            }
        })
    }

    /// Logs in (retrying while Telegram is unreachable), registers the
    /// commands, and answers updates until `stopped`.
    pub async fn run(
        self,
        agent: Arc<Agent>,
        mut stopped: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let Some(me) = log_in(&self.bot, &mut stopped).await else {
            return Ok(());
        };
        tracing::info!(bot = %me.username(), "telegram: logged in");
        if let Err(error) = self.bot.set_my_commands(commands::menu()).await {
            tracing::warn!(error = %send::classify(&error), "telegram: setMyCommands failed; commands still work");
        }
        let bot = self.bot.clone();
        let mut listener = self.listener().await?;
        let chat = Arc::new(answer::Chat { bot, agent, me });
        let stop = listener.stop_token();
        // One task per update, so a slow turn (an LLM, "run it now") does not
        // hold up other chats; `order` keeps one chat's updates in the order
        // Telegram sent them. The tasks' results are read as they finish and
        // when stopping.
        let mut turns = JoinSet::new();
        let mut order = Order::default();
        {
            let mut updates = listener.updates();
            loop {
                tokio::select! {
                    _ = stopped.wait_for(|stop| *stop) => break,
                    Some(done) = turns.join_next(), if !turns.is_empty() => log_panic(done),
                    update = updates.next() => match update {
                        Some(Ok(update)) => {
                            turns.spawn(in_order(Arc::clone(&chat), order.next(&update), update));
                        }
                        Some(Err(error)) => {
                            tracing::warn!(%error, "telegram: reading updates failed; retrying");
                        }
                        None => break,
                    },
                }
            }
            // Stop first, then read the stream to its end, answering what
            // is still buffered: the listener confirms the last offset to
            // Telegram only then, so answered updates do not come back after
            // a restart.
            stop.stop();
            let drain = async {
                while let Some(update) = updates.next().await {
                    if let Ok(update) = update {
                        turns.spawn(in_order(Arc::clone(&chat), order.next(&update), update));
                    }
                }
            };
            if tokio::time::timeout(Duration::from_secs(15), drain)
                .await
                .is_err()
            {
                tracing::warn!("telegram: the last long poll did not end in 15 s");
            }
        }
        while let Some(done) = turns.join_next().await {
            log_panic(done);
        }
        Ok(())
    }
}

type Turn = (
    Option<tokio::sync::oneshot::Receiver<()>>,
    tokio::sync::oneshot::Sender<()>,
);

/// Keeps each chat's updates in order: an update's task waits for the
/// previous one of its chat to finish.
#[derive(Default)]
struct Order {
    last: std::collections::HashMap<i64, tokio::sync::oneshot::Receiver<()>>,
}

impl Order {
    /// What this update's task waits for, and what it signals when done.
    fn next(&mut self, update: &Update) -> Turn {
        let (done, finished) = tokio::sync::oneshot::channel();
        let Some(chat) = update.chat().map(|c| c.id.0) else {
            return (None, done);
        };
        if self.last.len() > 1_000 {
            // Forget the chats whose last update is answered.
            self.last.retain(|_, last| {
                matches!(
                    last.try_recv(),
                    Err(tokio::sync::oneshot::error::TryRecvError::Empty)
                )
            });
        }
        (self.last.insert(chat, finished), done)
    }
}

/// Answers `update` after the chat's previous update.
async fn in_order(chat: Arc<answer::Chat>, (after, done): Turn, update: Update) {
    if let Some(previous) = after {
        // Err: the previous task ended without signalling (it panicked).
        let _ = previous.await;
    }
    chat.answer(update).await;
    let _ = done.send(());
}

fn log_panic(done: Result<(), tokio::task::JoinError>) {
    if let Err(error) = done {
        tracing::error!(%error, "telegram: answering an update panicked");
    }
}

/// `getMe`, retried with backoff (up to a minute apart) until it answers or
/// steward stops; `None` when stopped first.
async fn log_in(bot: &Bot, stopped: &mut watch::Receiver<bool>) -> Option<Me> {
    let mut waits = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let wait = match bot.get_me().await {
            Ok(me) => return Some(me),
            Err(error) => {
                let wait = waits.wait();
                tracing::warn!(error = %send::classify(&error), retry_in_s = wait.as_secs(), "telegram: log-in failed");
                wait
            }
        };
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => return None,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// A webhook secret when none is configured: 256 bits from the operating
/// system's random generator, as hex (Telegram allows 1-256 of A-Z, a-z, 0-9,
/// _ and -).
fn random_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        anyhow::anyhow!(
            "generating the Telegram webhook secret (or set TELEGRAM_WEBHOOK_SECRET): {e}"
        )
    })?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_webhook_secrets_are_256_bits_of_hex_and_never_repeat() {
        let secrets: Vec<String> = (0..64).map(|_| random_secret().unwrap()).collect();
        for secret in &secrets {
            assert_eq!(secret.len(), 64);
            assert!(secret.chars().all(|c| c.is_ascii_hexdigit()), "{secret}");
        }
        let mut distinct = secrets.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), secrets.len());
    }
}
