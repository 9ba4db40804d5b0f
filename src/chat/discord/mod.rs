//! Discord (serenity). Being built: the interface `serve` uses is fixed here.

use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::watch;

use super::{Outbound, Platform, SendError};
use crate::agent::Agent;
use crate::config::DiscordConfig;

/// The Discord adapter: a REST client for delivery, and the gateway
/// connection with its event handlers.
pub struct Discord {
    _config: DiscordConfig,
}

impl Discord {
    /// Builds the REST client (no network yet).
    pub fn new(config: &DiscordConfig) -> anyhow::Result<Discord> {
        Ok(Discord {
            _config: config.clone(),
        })
    }

    /// Delivery to `discord:` home chats.
    pub fn platform(&self) -> Arc<dyn Platform> {
        Arc::new(DiscordPlatform)
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

struct DiscordPlatform;

#[async_trait]
impl Platform for DiscordPlatform {
    fn name(&self) -> &'static str {
        "discord"
    }

    async fn send(&self, _address: &str, _message: &Outbound) -> Result<(), SendError> {
        Err(SendError::permanent("Discord delivery is not built yet"))
    }
}
