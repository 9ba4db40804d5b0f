//! Settings of `steward serve`'s HTTP server and chat platforms. Each platform
//! is on when its token is set; nothing here is required.

use std::fmt;
use std::net::SocketAddr;

use super::ConfigError;

/// A token or key: printed as `<redacted>` by `Debug`, so a logged config
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The HTTP server: health, the webhook chat API, Telegram's webhook.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Where it listens (`STEWARD_BIND`, default 127.0.0.1:8080).
    pub bind: SocketAddr,
    /// The bearer token `POST /api/v1/chat` requires (`STEWARD_API_TOKEN`).
    /// Without one the API is open, which `serve` allows only on a loopback
    /// address.
    pub api_token: Option<Secret>,
    /// The key callbacks are signed with (`STEWARD_WEBHOOK_SECRET`, else the
    /// API token). Without either, `callback_url` is refused.
    pub webhook_secret: Option<Secret>,
    /// Messages per minute one user may send through the API
    /// (`STEWARD_API_RATE_PER_MINUTE`, default 60; bursts of up to that many).
    pub rate_per_minute: u32,
    /// Failed authentications per minute one client address may make before
    /// it gets 429 (`STEWARD_AUTH_FAILURES_PER_MINUTE`, default 10).
    pub auth_failures_per_minute: u32,
}

/// Telegram (`TELEGRAM_BOT_TOKEN`).
#[derive(Clone, Debug)]
pub struct TelegramConfig {
    pub token: Secret,
    /// The Bot API server (`TELEGRAM_API_URL`, default https://api.telegram.org),
    /// for a self-hosted Bot API server or a test double.
    pub api_url: Option<url::Url>,
    /// Webhook mode when set (`TELEGRAM_WEBHOOK_URL`, the public HTTPS URL
    /// Telegram posts to; its path is served by steward's HTTP server), else
    /// long polling.
    pub webhook_url: Option<url::Url>,
    /// The `secret_token` Telegram sends with each webhook call
    /// (`TELEGRAM_WEBHOOK_SECRET`; generated when unset).
    pub webhook_secret: Option<Secret>,
}

/// Discord (`DISCORD_TOKEN`).
#[derive(Clone, Debug)]
pub struct DiscordConfig {
    pub token: Secret,
    /// A proxy in front of Discord's REST API (`DISCORD_API_URL`), e.g.
    /// twilight-http-proxy, or a test double.
    pub api_url: Option<String>,
}

pub(super) fn http(lookup: &dyn Fn(&str) -> Option<String>) -> Result<HttpConfig, ConfigError> {
    let set = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let bind = match set("STEWARD_BIND") {
        Some(value) => value.parse().map_err(|_| {
            ConfigError::Invalid("STEWARD_BIND", value, "an address like 127.0.0.1:8080")
        })?,
        None => SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    let count = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
        match set(name) {
            Some(value) => value
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(ConfigError::Number(name, value)),
            None => Ok(default),
        }
    };
    let rate_per_minute = count("STEWARD_API_RATE_PER_MINUTE", 60)?;
    let auth_failures_per_minute = count("STEWARD_AUTH_FAILURES_PER_MINUTE", 10)?;
    Ok(HttpConfig {
        bind,
        api_token: set("STEWARD_API_TOKEN").map(Secret),
        webhook_secret: set("STEWARD_WEBHOOK_SECRET").map(Secret),
        rate_per_minute,
        auth_failures_per_minute,
    })
}

pub(super) fn telegram(
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<TelegramConfig>, ConfigError> {
    let set = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let Some(token) = set("TELEGRAM_BOT_TOKEN") else {
        return Ok(None);
    };
    let url = |name: &'static str| -> Result<Option<url::Url>, ConfigError> {
        set(name)
            .map(|value| {
                url::Url::parse(&value)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or(ConfigError::Invalid(name, value, "an http(s) URL"))
            })
            .transpose()
    };
    Ok(Some(TelegramConfig {
        token: Secret(token),
        api_url: url("TELEGRAM_API_URL")?,
        webhook_url: url("TELEGRAM_WEBHOOK_URL")?,
        webhook_secret: set("TELEGRAM_WEBHOOK_SECRET").map(Secret),
    }))
}

pub(super) fn discord(lookup: &dyn Fn(&str) -> Option<String>) -> Option<DiscordConfig> {
    let set = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    set("DISCORD_TOKEN").map(|token| DiscordConfig {
        token: Secret(token),
        api_url: set("DISCORD_API_URL").map(|u| u.trim_end_matches('/').to_string()),
    })
}
