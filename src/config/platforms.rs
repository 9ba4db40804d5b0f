//! Settings of `steward serve`'s HTTP server and chat platforms. Each platform
//! is on when its token is set; nothing here is required.

use std::net::SocketAddr;
use std::time::Duration;

use super::ConfigError;

/// A token or key (secrecy's `SecretString`): `Debug` prints it redacted and
/// its memory is zeroed when dropped; `expose_secret` is the one way to read
/// it, so every use is visible.
pub type Secret = secrecy::SecretString;

/// The HTTP server: health, the webhook chat API, Telegram's webhook.
#[derive(Clone, Debug)]
pub struct ServerConfig {
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
    /// Calls per minute one webhook URL takes before it answers 429
    /// (`STEWARD_HOOK_RATE_PER_MINUTE`, default 120; bursts of up to that many).
    pub hook_rate_per_minute: u32,
    /// Where people reach this server from outside (`STEWARD_PUBLIC_URL`),
    /// for the webhook URLs steward hands out; else `http://` and the bind
    /// address.
    pub public_url: String,
    /// How long connections may take and how many may be open.
    pub limits: ConnectionLimits,
    /// The one URL every chat-API callback goes to
    /// (`STEWARD_WEBHOOK_CALLBACK_URL`); when set, conversations cannot name
    /// their own.
    pub callback_url: Option<url::Url>,
    /// Private hosts and networks a conversation's `callback_url` may point
    /// to (`STEWARD_WEBHOOK_CALLBACK_ALLOW`, hosts and CIDRs); else only
    /// public addresses.
    pub callback_allow: Vec<crate::egress::Allowed>,
    /// Where `GET /metrics` listens on its own, without a key
    /// (`STEWARD_METRICS_BIND`, e.g. 127.0.0.1:9464).
    pub metrics_bind: Option<SocketAddr>,
    /// The bearer token `GET /metrics` on the main listener needs
    /// (`STEWARD_METRICS_TOKEN`); without it or a bind, no metrics are served.
    pub metrics_token: Option<Secret>,
}

/// What one client may hold of the HTTP server: every listener steward runs
/// closes connections that stall, and keeps a cap on how many are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From a request's first byte to the end of its headers
    /// (`STEWARD_HEADER_TIMEOUT_SECONDS`, default 10).
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body
    /// (`STEWARD_BODY_TIMEOUT_SECONDS`, default 30).
    pub body_timeout: Duration,
    /// A connection with no request in flight and nothing sent or received
    /// this long is closed (`STEWARD_IDLE_TIMEOUT_SECONDS`, default 60).
    pub idle_timeout: Duration,
    /// Connections open at once; more wait to be accepted
    /// (`STEWARD_MAX_CONNECTIONS`, default 1024).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
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

pub(super) fn http(lookup: &dyn Fn(&str) -> Option<String>) -> Result<ServerConfig, ConfigError> {
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
    let hook_rate_per_minute = count("STEWARD_HOOK_RATE_PER_MINUTE", 120)?;
    let public_url = match set("STEWARD_PUBLIC_URL") {
        Some(value) => url::Url::parse(&value)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .map(|u| u.as_str().trim_end_matches('/').to_string())
            .ok_or(ConfigError::Invalid(
                "STEWARD_PUBLIC_URL",
                value,
                "an http(s) URL",
            ))?,
        None => format!("http://{bind}"),
    };
    let defaults = ConnectionLimits::default();
    let seconds = |name: &'static str, default: Duration| -> Result<Duration, ConfigError> {
        let default = default.as_secs() as u32;
        Ok(Duration::from_secs(u64::from(count(name, default)?)))
    };
    let limits = ConnectionLimits {
        header_timeout: seconds("STEWARD_HEADER_TIMEOUT_SECONDS", defaults.header_timeout)?,
        body_timeout: seconds("STEWARD_BODY_TIMEOUT_SECONDS", defaults.body_timeout)?,
        idle_timeout: seconds("STEWARD_IDLE_TIMEOUT_SECONDS", defaults.idle_timeout)?,
        max_connections: count("STEWARD_MAX_CONNECTIONS", defaults.max_connections as u32)?
            as usize,
    };
    let callback_url = match set("STEWARD_WEBHOOK_CALLBACK_URL") {
        Some(value) => Some(
            url::Url::parse(&value)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or(ConfigError::Invalid(
                    "STEWARD_WEBHOOK_CALLBACK_URL",
                    value,
                    "an http(s) URL",
                ))?,
        ),
        None => None,
    };
    let callback_allow =
        crate::egress::parse_allow_list(&set("STEWARD_WEBHOOK_CALLBACK_ALLOW").unwrap_or_default())
            .map_err(|e| ConfigError::List("STEWARD_WEBHOOK_CALLBACK_ALLOW", e))?;
    let metrics_bind = match set("STEWARD_METRICS_BIND") {
        Some(value) => Some(value.parse().map_err(|_| {
            ConfigError::Invalid(
                "STEWARD_METRICS_BIND",
                value,
                "an address like 127.0.0.1:9464",
            )
        })?),
        None => None,
    };
    Ok(ServerConfig {
        bind,
        metrics_bind,
        metrics_token: set("STEWARD_METRICS_TOKEN").map(Secret::from),
        api_token: set("STEWARD_API_TOKEN").map(Secret::from),
        webhook_secret: set("STEWARD_WEBHOOK_SECRET").map(Secret::from),
        rate_per_minute,
        auth_failures_per_minute,
        hook_rate_per_minute,
        public_url,
        limits,
        callback_url,
        callback_allow,
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
        token: Secret::from(token),
        api_url: url("TELEGRAM_API_URL")?,
        webhook_url: url("TELEGRAM_WEBHOOK_URL")?,
        webhook_secret: set("TELEGRAM_WEBHOOK_SECRET").map(Secret::from),
    }))
}

pub(super) fn discord(lookup: &dyn Fn(&str) -> Option<String>) -> Option<DiscordConfig> {
    let set = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    set("DISCORD_TOKEN").map(|token| DiscordConfig {
        token: Secret::from(token),
        api_url: set("DISCORD_API_URL").map(|u| u.trim_end_matches('/').to_string()),
    })
}
