//! Telegram (teloxide). Being built: the interface `serve` uses is fixed here.

use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::watch;

use super::{Outbound, Platform, SendError};
use crate::agent::Agent;
use crate::config::TelegramConfig;

/// The Telegram adapter: a REST client for delivery, and the gateway
/// connection with its event handlers.
pub struct Telegram {
    _config: TelegramConfig,
}

impl Telegram {
    /// Builds the REST client (no network yet).
    pub fn new(config: &TelegramConfig) -> anyhow::Result<Telegram> {
        Ok(Telegram {
            _config: config.clone(),
        })
    }

    /// Delivery to `telegram:` home chats.
    pub fn platform(&self) -> Arc<dyn Platform> {
        Arc::new(TelegramPlatform)
    }

    /// In webhook mode, the route Telegram posts updates to.
    pub fn webhook_router(&mut self) -> Option<axum::Router> {
        None
    }

    /// Logs in to the gateway and handles events until `stopped`.
    pub async fn run(
        self,
        _agent: Arc<Agent>,
        mut stopped: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let _ = stopped.wait_for(|stop| *stop).await;
        Ok(())
    }
}

struct TelegramPlatform;

#[async_trait]
impl Platform for TelegramPlatform {
    fn name(&self) -> &'static str {
        "telegram"
    }

    async fn send(&self, _address: &str, _message: &Outbound) -> Result<(), SendError> {
        Err(SendError::permanent("Telegram delivery is not built yet"))
    }
}
