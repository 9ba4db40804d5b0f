//! Configuration from the environment, with embedded defaults so steward runs
//! with nothing set.

mod limits;
pub mod mcp;
mod platforms;

use secrecy::ExposeSecret;
use std::path::PathBuf;

pub use platforms::{ConnectionLimits, DiscordConfig, Secret, ServerConfig, TelegramConfig};

use crate::engine::mcp::{McpServerConfig, McpTransport};
use crate::llm::{LlmConfig, LlmConfigError};
use crate::schedule::{Zone, DEFAULT_MIN_INTERVAL_SECONDS};

/// Settings shared by every command.
#[derive(Clone, Debug)]
pub struct Config {
    /// The zone for schedules when neither the workflow nor the user names one
    /// (`STEWARD_TIMEZONE`, default UTC).
    pub default_zone: Zone,
    /// The shortest interval a schedule may have (`STEWARD_MIN_INTERVAL_SECONDS`,
    /// default 60).
    pub min_interval_seconds: i64,
    /// The SQLite file, or a `postgres://` URL (`--db`, `STEWARD_DB`, default
    /// `./steward.db`).
    pub db_path: PathBuf,
    /// Let `http` steps call loopback and private addresses
    /// (`STEWARD_HTTP_ALLOW_PRIVATE`, default false).
    pub http_allow_private: bool,
    /// Hosts and networks `http` steps may call besides public addresses
    /// (`STEWARD_HTTP_ALLOW`, e.g. `10.1.0.0/16,intranet.example.com`).
    pub http_allow: Vec<crate::egress::Allowed>,
    /// Runs executing at once (`STEWARD_MAX_CONCURRENT_RUNS`, default 64).
    pub max_concurrent_runs: usize,
    /// A run's lease; a process silent this long has its runs marked
    /// interrupted (`STEWARD_LEASE_SECONDS`, default 30). Also the lease on
    /// the chat connections one replica at a time holds (`app/leader.rs`).
    pub lease_seconds: u64,
    /// How long shutdown waits for running runs (`STEWARD_SHUTDOWN_GRACE_SECONDS`, default 30).
    pub shutdown_grace_seconds: u64,
    /// Slots at most this late are on time; older ones count as missed
    /// (`STEWARD_ON_TIME_GRACE_SECONDS`, default 60).
    pub on_time_grace_seconds: u64,
    /// This process's name on run leases (`STEWARD_NODE`, default `<host>-<pid>`).
    pub node: String,
    /// The language model (`OPENAI_API_KEY`, `STEWARD_LLM_*`); `None` when
    /// neither a key nor a base URL is set, and steward runs without one.
    pub llm: Option<LlmConfig>,
    /// `serve`'s HTTP server (`STEWARD_BIND`, `STEWARD_API_TOKEN`, ...).
    pub http: ServerConfig,
    /// Telegram, when `TELEGRAM_BOT_TOKEN` is set.
    pub telegram: Option<TelegramConfig>,
    /// Discord, when `DISCORD_TOKEN` is set.
    pub discord: Option<DiscordConfig>,
    /// Also mask emails and phone numbers in what runs store
    /// (`STEWARD_REDACT_PII`, default true); secrets are always masked.
    pub redact_pii: bool,
    /// The hard ceilings on every run's guardrails (`STEWARD_MAX_TOOL_CALLS`,
    /// `STEWARD_MAX_RUN_SECONDS`, `STEWARD_MAX_TOKENS`, `STEWARD_MAX_COST_USD`).
    pub ceilings: crate::workflow::Ceilings,
    /// What each person may do (`STEWARD_QUOTA_*`; see `limits.rs`).
    pub quotas: crate::workflow::Quotas,
    /// MCP servers whose tools `agent` steps may use (the file
    /// `STEWARD_MCP_CONFIG` names; none when unset).
    pub mcp_servers: Vec<McpServerConfig>,
    /// The people who are admins, by id (`STEWARD_ADMINS`, comma-separated:
    /// `telegram:42,discord:1234,api:ops`): they see and manage everyone's
    /// workflows, set people's quotas and are held to none. `None` (unset)
    /// leaves the roles in the store as they are.
    pub admins: Option<Vec<String>>,
    /// Logs as one JSON object a line (`STEWARD_LOG_FORMAT=json`; `text`,
    /// the default, for people); `serve` then writes no line of its own.
    pub json_logs: bool,
    /// Keeps each async worker thread on its own core
    /// (`STEWARD_PIN_WORKERS`, default true; see `app::threads`).
    pub pin_workers: bool,
    /// Encrypts the secrets workflows keep at rest
    /// (`STEWARD_ENCRYPTION_KEY`: 32 bytes as base64 or hex); none when unset.
    pub encryption_key: Option<crate::crypt::Key>,
}

/// A setting that could not be read; names the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("STEWARD_TIMEZONE: {0}")]
    Zone(#[from] crate::schedule::UnknownZone),
    #[error(
        "STEWARD_MIN_INTERVAL_SECONDS must be a whole number of seconds of at least 1, not '{0}'"
    )]
    MinInterval(String),
    #[error("{0} must be a whole number of at least 1, not '{1}'")]
    Number(&'static str, String),
    #[error("{0} must be true or false, not '{1}'")]
    Flag(&'static str, String),
    #[error("{0}: {1}")]
    List(&'static str, String),
    #[error("{0} must be {2}, not '{1}'")]
    Invalid(&'static str, String, &'static str),
    #[error("STEWARD_ENCRYPTION_KEY must be {form}: {0}", form = crate::crypt::KEY_FORM)]
    EncryptionKey(crate::crypt::KeyError),
    #[error(transparent)]
    Llm(#[from] LlmConfigError),
    #[error(transparent)]
    Mcp(#[from] mcp::McpConfigError),
}

impl Config {
    /// Reads the environment; unset variables take their defaults.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let default_zone = match lookup("STEWARD_TIMEZONE").filter(|v| !v.trim().is_empty()) {
            Some(name) => name.parse()?,
            None => Zone::UTC,
        };
        let min_interval_seconds = match lookup("STEWARD_MIN_INTERVAL_SECONDS") {
            Some(value) => value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 1)
                .ok_or(ConfigError::MinInterval(value))?,
            None => DEFAULT_MIN_INTERVAL_SECONDS,
        };
        let db_path = lookup("STEWARD_DB")
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("steward.db"));
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match lookup(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(value) => value
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or(ConfigError::Number(name, value)),
            }
        };
        let flag = |name: &'static str| -> Result<bool, ConfigError> {
            match lookup(name).as_deref().map(str::trim) {
                None | Some("") | Some("false") | Some("0") | Some("no") => Ok(false),
                Some("true") | Some("1") | Some("yes") => Ok(true),
                Some(other) => Err(ConfigError::Flag(name, other.to_string())),
            }
        };
        let http_allow_private = flag("STEWARD_HTTP_ALLOW_PRIVATE")?;
        let http_allow =
            crate::egress::parse_allow_list(&lookup("STEWARD_HTTP_ALLOW").unwrap_or_default())
                .map_err(|e| ConfigError::List("STEWARD_HTTP_ALLOW", e))?;
        let llm = LlmConfig::from_lookup(&lookup)?;
        let node = lookup("STEWARD_NODE")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| {
                let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
                let host = host.trim();
                let host = if host.is_empty() { "steward" } else { host };
                format!("{host}-{}", std::process::id())
            });
        Ok(Config {
            default_zone,
            min_interval_seconds,
            db_path,
            http_allow_private,
            http_allow,
            max_concurrent_runs: number("STEWARD_MAX_CONCURRENT_RUNS", 64)? as usize,
            lease_seconds: number("STEWARD_LEASE_SECONDS", 30)?,
            shutdown_grace_seconds: number("STEWARD_SHUTDOWN_GRACE_SECONDS", 30)?,
            on_time_grace_seconds: number("STEWARD_ON_TIME_GRACE_SECONDS", 60)?,
            node,
            llm,
            http: platforms::http(&lookup)?,
            telegram: platforms::telegram(&lookup)?,
            discord: platforms::discord(&lookup),
            redact_pii: match lookup("STEWARD_REDACT_PII").as_deref().map(str::trim) {
                None | Some("") => true,
                Some(_) => flag("STEWARD_REDACT_PII")?,
            },
            ceilings: limits::ceilings(&lookup)?,
            quotas: limits::quotas(&lookup, min_interval_seconds)?,
            mcp_servers: mcp::read(&lookup)?,
            admins: lookup("STEWARD_ADMINS").map(|list| {
                list.split([',', ' '])
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
            json_logs: match lookup("STEWARD_LOG_FORMAT").as_deref().map(str::trim) {
                None | Some("") | Some("text") => false,
                Some("json") => true,
                Some(other) => {
                    return Err(ConfigError::Invalid(
                        "STEWARD_LOG_FORMAT",
                        other.to_string(),
                        "text or json",
                    ))
                }
            },
            // On unless set to false (`flag` reads unset as false).
            pin_workers: lookup("STEWARD_PIN_WORKERS").is_none_or(|v| v.trim().is_empty())
                || flag("STEWARD_PIN_WORKERS")?,
            encryption_key: lookup("STEWARD_ENCRYPTION_KEY")
                .filter(|v| !v.trim().is_empty())
                .map(|v| crate::crypt::Key::parse(&v))
                .transpose()
                .map_err(ConfigError::EncryptionKey)?,
        })
    }

    /// Every token and key steward was given, so that none of them is ever
    /// stored or shown (see `workflow::redact`).
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets: Vec<String> = Vec::new();
        if let Some(key) = self.llm.as_ref().and_then(|l| l.api_key.clone()) {
            secrets.push(key);
        }
        let http = [
            &self.http.api_token,
            &self.http.webhook_secret,
            &self.http.metrics_token,
        ];
        secrets.extend(
            http.into_iter()
                .flatten()
                .map(|s| s.expose_secret().to_string()),
        );
        if let Some(telegram) = &self.telegram {
            secrets.push(telegram.token.expose_secret().to_string());
            secrets.extend(
                telegram
                    .webhook_secret
                    .iter()
                    .map(|s| s.expose_secret().to_string()),
            );
        }
        if let Some(discord) = &self.discord {
            secrets.push(discord.token.expose_secret().to_string());
        }
        for server in &self.mcp_servers {
            match &server.transport {
                McpTransport::Http { headers, .. } => secrets.extend(headers.values().cloned()),
                // Paths and flags are not secrets; keys and tokens are.
                McpTransport::Stdio { env, .. } => secrets.extend(
                    env.iter()
                        .filter(|(name, _)| {
                            let name = name.to_ascii_uppercase();
                            ["KEY", "TOKEN", "SECRET", "PASSWORD", "AUTH", "CREDENTIAL"]
                                .iter()
                                .any(|word| name.contains(word))
                        })
                        .map(|(_, value)| value.clone()),
                ),
            }
        }
        secrets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_nothing_set() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.default_zone, Zone::UTC);
        assert_eq!(config.min_interval_seconds, 60);
        assert!(
            config.redact_pii,
            "emails and phone numbers are masked unless asked not to"
        );
        assert_eq!(config.quotas, crate::workflow::Quotas::default());
        assert_eq!(config.db_path, PathBuf::from("steward.db"));
        assert!(config.llm.is_none());
    }

    #[test]
    fn workers_are_pinned_unless_turned_off() {
        let with = |value: &str| {
            let value = value.to_string();
            Config::from_lookup(move |n| (n == "STEWARD_PIN_WORKERS").then(|| value.clone()))
        };
        assert!(Config::from_lookup(|_| None).unwrap().pin_workers);
        assert!(with("").unwrap().pin_workers);
        assert!(with("yes").unwrap().pin_workers);
        assert!(!with("false").unwrap().pin_workers);
        assert!(!with("0").unwrap().pin_workers);
        let bad = with("sometimes").unwrap_err().to_string();
        assert!(bad.contains("STEWARD_PIN_WORKERS"), "{bad}");
    }

    #[test]
    fn webhook_urls_start_with_the_public_url_else_the_bind_address() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.http.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.http.hook_rate_per_minute, 120);
        let set = Config::from_lookup(|n| {
            (n == "STEWARD_PUBLIC_URL").then(|| "https://steward.example.com/".into())
        })
        .unwrap();
        assert_eq!(set.http.public_url, "https://steward.example.com");
        let bad = Config::from_lookup(|n| (n == "STEWARD_PUBLIC_URL").then(|| "ftp://x".into()));
        assert!(bad.unwrap_err().to_string().contains("STEWARD_PUBLIC_URL"));
    }

    #[test]
    fn pii_masking_is_turned_off_and_quotas_set_by_name() {
        let config = Config::from_lookup(|n| match n {
            "STEWARD_REDACT_PII" => Some("false".into()),
            "STEWARD_QUOTA_RUNS_PER_HOUR" => Some("1000".into()),
            "STEWARD_QUOTA_COST_PER_DAY_USD" => Some("2.5".into()),
            _ => None,
        })
        .unwrap();
        assert!(!config.redact_pii);
        assert_eq!(config.quotas.runs_per_hour, 1000);
        assert_eq!(config.quotas.cost_per_day_usd, 2.5);
        let bad = Config::from_lookup(|n| {
            (n == "STEWARD_QUOTA_MESSAGES_PER_MINUTE").then(|| "2.5".into())
        })
        .unwrap_err()
        .to_string();
        assert!(
            bad.contains("STEWARD_QUOTA_MESSAGES_PER_MINUTE must be a whole number"),
            "{bad}"
        );
    }

    #[test]
    fn a_base_url_alone_configures_a_model_without_a_key() {
        let config = Config::from_lookup(|n| {
            (n == "STEWARD_LLM_BASE_URL").then(|| "http://127.0.0.1:11434/v1".into())
        })
        .unwrap();
        let llm = config.llm.expect("a model is configured");
        assert_eq!(llm.base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(llm.api_key, None);
    }

    #[test]
    fn a_malformed_encryption_key_names_the_variable_and_the_form_but_not_the_key() {
        let err = Config::from_lookup(|n| {
            (n == "STEWARD_ENCRYPTION_KEY").then(|| "c2hvcnQta2V5LXZhbHVl".into())
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("STEWARD_ENCRYPTION_KEY must be 32 random bytes"),
            "{err}"
        );
        assert!(err.contains("decodes to 15 bytes"), "{err}");
        assert!(!err.contains("c2hvcnQta2V5LXZhbHVl"), "{err}");
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let config =
            Config::from_lookup(|n| (n == "STEWARD_ENCRYPTION_KEY").then(|| key.into())).unwrap();
        assert!(config.encryption_key.is_some());
        assert!(!format!("{config:?}").contains(key));
    }

    #[test]
    fn a_bad_zone_names_the_variable() {
        let err = Config::from_lookup(|n| (n == "STEWARD_TIMEZONE").then(|| "Mars/Base".into()))
            .unwrap_err();
        assert!(err.to_string().starts_with("STEWARD_TIMEZONE"), "{err}");
    }
}
