//! Which language model steward talks to, read from the environment.

use std::fmt;
use std::time::Duration;

use crate::llm::Prices;

/// OpenAI's own endpoint, used when only `OPENAI_API_KEY` is set.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The model asked for when `STEWARD_LLM_MODEL` is unset.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// How to reach an OpenAI-compatible chat model. `Debug` never shows the key.
#[derive(Clone, PartialEq)]
pub struct LlmConfig {
    /// `OPENAI_API_KEY`; local servers (Ollama, llama.cpp, vLLM) need none.
    pub api_key: Option<String>,
    /// `STEWARD_LLM_BASE_URL`, up to and including `/v1`
    /// (default `https://api.openai.com/v1`).
    pub base_url: String,
    /// `STEWARD_LLM_MODEL` (default `gpt-4o-mini`).
    pub model: String,
    /// Retries after a 429, a 5xx, a refused connection or a timeout
    /// (`STEWARD_LLM_MAX_RETRIES`, default 3).
    pub max_retries: u32,
    /// The first wait before a retry, doubling after each
    /// (`STEWARD_LLM_BACKOFF_MS`, default 500).
    pub backoff: Duration,
    /// How long one attempt may take, answer included
    /// (`STEWARD_LLM_TIMEOUT_SECONDS`, default 60).
    pub timeout: Duration,
    /// What tokens cost, by model: built-in list prices plus
    /// `STEWARD_LLM_PRICES` (`model=input/output` dollars per million tokens).
    pub prices: Prices,
    /// The longest answer, in tokens, to a chat turn
    /// (`STEWARD_LLM_MAX_TOKENS_CHAT`, default 1024) and to a round of an
    /// agent step (`STEWARD_LLM_MAX_TOKENS_STEP`, default 2048). Every request
    /// carries one: a weak model otherwise writes until its context is full.
    pub max_tokens: MaxTokens,
    /// How long a chat turn may wait for the model in all, retries included,
    /// before the offline reader answers (`STEWARD_LLM_TURN_SECONDS`,
    /// default 30).
    pub turn_deadline: Duration,
    /// Roughly how many tokens of earlier conversation go to the model
    /// (`STEWARD_LLM_HISTORY_TOKENS`, default 1500; the oldest turns drop
    /// out first).
    pub history_tokens: usize,
}

/// The longest answer a completion may have, in tokens, by purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxTokens {
    pub chat: u32,
    pub step: u32,
}

impl Default for MaxTokens {
    fn default() -> Self {
        MaxTokens {
            chat: DEFAULT_MAX_TOKENS_CHAT,
            step: DEFAULT_MAX_TOKENS_STEP,
        }
    }
}

/// `STEWARD_LLM_MAX_TOKENS_CHAT` when unset.
pub const DEFAULT_MAX_TOKENS_CHAT: u32 = 1024;
/// `STEWARD_LLM_MAX_TOKENS_STEP` when unset.
pub const DEFAULT_MAX_TOKENS_STEP: u32 = 2048;
/// `STEWARD_LLM_TURN_SECONDS` when unset.
pub const DEFAULT_TURN_SECONDS: u64 = 30;
/// `STEWARD_LLM_HISTORY_TOKENS` when unset.
pub const DEFAULT_HISTORY_TOKENS: usize = 1500;

/// A language-model setting that could not be read; names the variable.
#[derive(Debug, thiserror::Error)]
pub enum LlmConfigError {
    #[error("{0} must be a whole number, not '{1}'")]
    Number(&'static str, String),
    #[error(
        "STEWARD_LLM_TIMEOUT_SECONDS must be a whole number of seconds of at least 1, not '{0}'"
    )]
    Timeout(String),
    #[error("{0} must be a whole number of at least 1, not '{1}'")]
    Positive(&'static str, String),
    #[error("STEWARD_LLM_PRICES: {0}")]
    Prices(String),
    #[error(
        "STEWARD_LLM_BASE_URL must be an http or https address such as http://localhost:11434/v1, not '{0}'"
    )]
    BaseUrl(String),
}

impl LlmConfig {
    /// Reads the model's settings through `lookup`. `Ok(None)` means no model
    /// is configured (neither `OPENAI_API_KEY` nor `STEWARD_LLM_BASE_URL` is
    /// set) and steward runs offline; a base URL without a key is a local
    /// server.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<LlmConfig>, LlmConfigError> {
        let set = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let api_key = set("OPENAI_API_KEY");
        let base_url = set("STEWARD_LLM_BASE_URL");
        if api_key.is_none() && base_url.is_none() {
            return Ok(None);
        }
        let base_url = match base_url {
            Some(url) => normalise_base_url(&url).ok_or(LlmConfigError::BaseUrl(url))?,
            None => DEFAULT_BASE_URL.to_string(),
        };
        let number = |name: &'static str, default: u64| -> Result<u64, LlmConfigError> {
            match set(name) {
                None => Ok(default),
                Some(value) => value
                    .parse::<u64>()
                    .map_err(|_| LlmConfigError::Number(name, value)),
            }
        };
        let timeout = number("STEWARD_LLM_TIMEOUT_SECONDS", 60)?;
        if timeout == 0 {
            return Err(LlmConfigError::Timeout("0".into()));
        }
        let max_retries = number("STEWARD_LLM_MAX_RETRIES", 3)?;
        let positive = |name: &'static str, default: u64| -> Result<u32, LlmConfigError> {
            let value = number(name, default)?;
            u32::try_from(value)
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| LlmConfigError::Positive(name, value.to_string()))
        };
        let max_tokens = MaxTokens {
            chat: positive(
                "STEWARD_LLM_MAX_TOKENS_CHAT",
                DEFAULT_MAX_TOKENS_CHAT.into(),
            )?,
            step: positive(
                "STEWARD_LLM_MAX_TOKENS_STEP",
                DEFAULT_MAX_TOKENS_STEP.into(),
            )?,
        };
        let turn_seconds = positive("STEWARD_LLM_TURN_SECONDS", DEFAULT_TURN_SECONDS)?;
        let history_tokens = positive("STEWARD_LLM_HISTORY_TOKENS", DEFAULT_HISTORY_TOKENS as u64)?;
        Ok(Some(LlmConfig {
            api_key,
            base_url,
            model: set("STEWARD_LLM_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            max_retries: u32::try_from(max_retries).map_err(|_| {
                LlmConfigError::Number("STEWARD_LLM_MAX_RETRIES", max_retries.to_string())
            })?,
            backoff: Duration::from_millis(number("STEWARD_LLM_BACKOFF_MS", 500)?),
            timeout: Duration::from_secs(timeout),
            prices: Prices::with_overrides(&set("STEWARD_LLM_PRICES").unwrap_or_default())
                .map_err(LlmConfigError::Prices)?,
            max_tokens,
            turn_deadline: Duration::from_secs(turn_seconds.into()),
            history_tokens: history_tokens as usize,
        }))
    }
}

/// `base` as an http(s) URL without a trailing slash (async-openai appends
/// `/chat/completions`), or `None` when it is not one.
pub(crate) fn normalise_base_url(base: &str) -> Option<String> {
    let trimmed = base.trim().trim_end_matches('/');
    let url = url::Url::parse(trimmed).ok()?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.query().is_none()
        && url.fragment().is_none();
    usable.then(|| trimmed.to_string())
}

impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("timeout", &self.timeout)
            .field("prices", &self.prices)
            .field("max_tokens", &self.max_tokens)
            .field("turn_deadline", &self.turn_deadline)
            .field("history_tokens", &self.history_tokens)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<LlmConfig>, LlmConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LlmConfig::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn nothing_set_means_no_model() {
        assert_eq!(read(&[]).unwrap(), None);
        assert_eq!(read(&[("OPENAI_API_KEY", "  ")]).unwrap(), None);
    }

    #[test]
    fn a_key_alone_talks_to_openai_with_the_defaults() {
        let config = read(&[("OPENAI_API_KEY", "sk-test\n")]).unwrap().unwrap();
        assert_eq!(config.api_key.as_deref(), Some("sk-test"));
        assert_eq!(config.base_url, "https://api.openai.com/v1");
        assert_eq!(config.model, "gpt-4o-mini");
        assert_eq!(config.max_retries, 3);
        assert_eq!(config.backoff, Duration::from_millis(500));
        assert_eq!(config.timeout, Duration::from_secs(60));
        assert_eq!(
            config.max_tokens,
            MaxTokens {
                chat: 1024,
                step: 2048
            }
        );
        assert_eq!(config.turn_deadline, Duration::from_secs(30));
        assert_eq!(config.history_tokens, 1500);
    }

    #[test]
    fn answer_lengths_and_the_turn_deadline_are_read_and_never_zero() {
        let config = read(&[
            ("OPENAI_API_KEY", "k"),
            ("STEWARD_LLM_MAX_TOKENS_CHAT", "256"),
            ("STEWARD_LLM_MAX_TOKENS_STEP", "512"),
            ("STEWARD_LLM_TURN_SECONDS", "5"),
            ("STEWARD_LLM_HISTORY_TOKENS", "800"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            config.max_tokens,
            MaxTokens {
                chat: 256,
                step: 512
            }
        );
        assert_eq!(config.turn_deadline, Duration::from_secs(5));
        assert_eq!(config.history_tokens, 800);
        for name in [
            "STEWARD_LLM_MAX_TOKENS_CHAT",
            "STEWARD_LLM_MAX_TOKENS_STEP",
            "STEWARD_LLM_TURN_SECONDS",
            "STEWARD_LLM_HISTORY_TOKENS",
        ] {
            let err = read(&[("OPENAI_API_KEY", "k"), (name, "0")]).unwrap_err();
            assert!(err.to_string().starts_with(name), "{err}");
        }
    }

    #[test]
    fn a_base_url_alone_is_a_local_server_without_a_key() {
        let config = read(&[
            ("STEWARD_LLM_BASE_URL", "http://localhost:11434/v1/"),
            ("STEWARD_LLM_MODEL", "llama3.1"),
            ("STEWARD_LLM_MAX_RETRIES", "0"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(config.api_key, None);
        assert_eq!(config.base_url, "http://localhost:11434/v1");
        assert_eq!(config.model, "llama3.1");
        assert_eq!(config.max_retries, 0);
    }

    #[test]
    fn bad_numbers_and_addresses_name_their_variable() {
        let err =
            read(&[("OPENAI_API_KEY", "k"), ("STEWARD_LLM_MAX_RETRIES", "lots")]).unwrap_err();
        assert!(
            err.to_string().starts_with("STEWARD_LLM_MAX_RETRIES"),
            "{err}"
        );
        let err = read(&[
            ("OPENAI_API_KEY", "k"),
            ("STEWARD_LLM_TIMEOUT_SECONDS", "0"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().starts_with("STEWARD_LLM_TIMEOUT_SECONDS"),
            "{err}"
        );
        let err = read(&[("STEWARD_LLM_BASE_URL", "localhost:11434")]).unwrap_err();
        assert!(err.to_string().starts_with("STEWARD_LLM_BASE_URL"), "{err}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let config = read(&[("OPENAI_API_KEY", "sk-very-secret")])
            .unwrap()
            .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }
}
