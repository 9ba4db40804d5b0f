//! [`OpenAi`]: steward's [`ChatModel`] over any OpenAI-compatible server,
//! through async-openai.
//!
//! Retries are steward's alone: async-openai's default transport retries 429,
//! 5xx and connect errors by itself (three times, from 100 ms), so the client
//! is built on its plain transport and this loop applies [`LlmConfig`]'s
//! `max_retries` and `backoff`, honouring `Retry-After`.

mod config;
mod wire;

use crate::backoff::Backoff;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::ReqwestService;
use async_openai::Client;
use async_trait::async_trait;

pub use config::{
    LlmConfig, LlmConfigError, MaxTokens, DEFAULT_BASE_URL, DEFAULT_HISTORY_TOKENS,
    DEFAULT_MAX_TOKENS_CHAT, DEFAULT_MAX_TOKENS_STEP, DEFAULT_MODEL, DEFAULT_TURN_SECONDS,
};

use super::{ChatModel, Completion, LlmError, LlmErrorKind, Message, Purpose, ToolSpec};
use wire::{Limit, Refusal};

/// Low, for steady plans and tool calls.
const TEMPERATURE: f32 = 0.2;
/// The longest wait between attempts, whatever the backoff or the server says.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// A chat model behind an OpenAI-compatible `/chat/completions`.
pub struct OpenAi {
    client: Client<OpenAIConfig>,
    config: LlmConfig,
    /// Set once the server refused `temperature` (reasoning models take only
    /// the default); from then on requests leave it out.
    omit_temperature: AtomicBool,
    /// Set once the server refused `max_tokens` (OpenAI's reasoning models
    /// take only `max_completion_tokens`); from then on requests send that.
    completion_tokens_field: AtomicBool,
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAi")
            .field("config", &self.config)
            .finish()
    }
}

/// Why one attempt failed.
enum Failure {
    Refused(Box<Refusal>),
    Unreachable(String),
    TimedOut,
    Unreadable(String),
    Other(String),
}

impl OpenAi {
    /// A client for `config`; fails on a base URL that is not http(s) or a key
    /// that cannot go in a header.
    pub fn new(config: LlmConfig) -> Result<OpenAi, LlmError> {
        let base_url = config::normalise_base_url(&config.base_url).ok_or_else(|| {
            LlmError::new(
                LlmErrorKind::Config,
                format!(
                    "the language model's address '{}' is not an http or https URL such as http://localhost:11434/v1",
                    config.base_url
                ),
            )
        })?;
        let key = config.api_key.clone().unwrap_or_default();
        // async-openai unwraps the Authorization header it builds: check first.
        if key.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(LlmError::new(
                LlmErrorKind::Config,
                "OPENAI_API_KEY contains a control character (a stray newline?)",
            ));
        }
        // async-openai's reqwest (0.13) needs a rustls crypto provider and we
        // build it without one: install ring, which reqwest 0.12 already
        // brings. An error means a provider is installed, which does as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Everything comes from `config`: clear what OpenAIConfig::new reads
        // from the process environment on its own.
        let openai_config = OpenAIConfig::new()
            .with_api_base(&base_url)
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        let transport = ReqwestService::default();
        let client = Client::with_config(openai_config).with_http_service(tower::service_fn(
            move |request| wire::send(transport.clone(), request),
        ));
        Ok(OpenAi {
            client,
            config: LlmConfig { base_url, ..config },
            omit_temperature: AtomicBool::new(false),
            completion_tokens_field: AtomicBool::new(false),
        })
    }

    /// One request, bounded by the configured timeout.
    async fn attempt(
        &self,
        messages: &[Message],
        tools: &[ToolSpec],
        temperature: Option<f32>,
        limit: Limit,
    ) -> Result<Completion, Failure> {
        let request = wire::request(&self.config.model, messages, tools, temperature, limit)
            .map_err(Failure::Other)?;
        let chat = self.client.chat();
        let sent = chat.create_byot::<_, wire::Answer>(&request);
        let answer = match tokio::time::timeout(self.config.timeout, sent).await {
            Err(_) => return Err(Failure::TimedOut),
            Ok(Err(error)) => return Err(Failure::from(error)),
            Ok(Ok(answer)) => answer,
        };
        let completion = answer
            .into_completion()
            .map_err(|missing| Failure::Unreadable(missing.to_string()))?;
        let model = self.config.model.clone();
        let used = &completion.usage;
        metrics::counter!("steward_llm_tokens_total", "model" => model.clone(), "kind" => "prompt")
            .increment(used.prompt_tokens);
        metrics::counter!("steward_llm_tokens_total", "model" => model, "kind" => "completion")
            .increment(used.completion_tokens);
        Ok(completion)
    }

    /// The error for `failure` after `attempts` requests, as a sentence that
    /// names the server and never the key.
    fn error(&self, failure: &Failure, attempts: u32) -> LlmError {
        let at = &self.config.base_url;
        let after = if attempts > 1 {
            format!(" after {attempts} attempts")
        } else {
            String::new()
        };
        let kind = match failure {
            Failure::Refused(refusal) if refusal.context_too_long() => LlmErrorKind::ContextTooLong,
            Failure::Refused(refusal) => LlmErrorKind::Refused {
                status: refusal.status,
            },
            Failure::Unreachable(_) => LlmErrorKind::Unreachable,
            Failure::TimedOut => LlmErrorKind::TimedOut,
            Failure::Unreadable(_) => LlmErrorKind::Unreadable,
            Failure::Other(_) => LlmErrorKind::Other,
        };
        let text = match failure {
            Failure::Refused(refusal) => {
                let status = reqwest::StatusCode::from_u16(refusal.status)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|_| refusal.status.to_string());
                let detail = match &refusal.error {
                    Some(error) => format!(": {error}"),
                    None if !refusal.excerpt.is_empty() => format!(": {}", refusal.excerpt),
                    None => String::new(),
                };
                let hint = match refusal.status {
                    401 | 403 => " (check OPENAI_API_KEY)".to_string(),
                    404 => format!(
                        " (check STEWARD_LLM_BASE_URL, which usually ends in /v1, and that model '{}' exists there)",
                        self.config.model
                    ),
                    _ => String::new(),
                };
                format!("the language model at {at} answered {status}{after}{detail}{hint}")
            }
            Failure::Unreachable(cause) => {
                format!("could not reach the language model at {at}{after}: {cause}")
            }
            Failure::TimedOut => format!(
                "the language model at {at} did not answer within {} s{after}",
                self.config.timeout.as_secs_f32()
            ),
            Failure::Unreadable(cause) => format!(
                "the language model at {at} sent an answer steward could not read ({cause})"
            ),
            Failure::Other(cause) => {
                format!("could not ask the language model at {at}: {cause}")
            }
        };
        LlmError {
            retry_after: match failure {
                Failure::Refused(refusal) => refusal.retry_after,
                _ => None,
            },
            ..LlmError::new(kind, self.scrub(text))
        }
    }

    /// `text` with the key cut out, should a server have echoed it.
    fn scrub(&self, text: String) -> String {
        match self.config.api_key.as_deref() {
            Some(key) if key.len() >= 4 => text.replace(key, "[redacted]"),
            _ => text,
        }
    }
}

impl Failure {
    fn retryable(&self) -> bool {
        match self {
            Failure::Refused(refusal) => {
                let quota = refusal.error.as_ref().is_some_and(|e| {
                    e.r#type.as_deref() == Some("insufficient_quota")
                        || e.code.as_deref() == Some("insufficient_quota")
                });
                (refusal.status == 429 && !quota) || refusal.status >= 500
            }
            Failure::Unreachable(_) | Failure::TimedOut => true,
            Failure::Unreadable(_) | Failure::Other(_) => false,
        }
    }

    /// A 400 about `temperature`: the model accepts only its default.
    fn refuses_temperature(&self) -> bool {
        self.refuses_parameter("temperature")
    }

    /// A 400 about `max_tokens`: the model takes `max_completion_tokens`.
    fn refuses_max_tokens(&self) -> bool {
        self.refuses_parameter("max_tokens")
    }

    fn refuses_parameter(&self, name: &str) -> bool {
        let Failure::Refused(refusal) = self else {
            return false;
        };
        refusal.status == 400
            && refusal.error.as_ref().is_some_and(|e| {
                e.param.as_deref() == Some(name) || e.message.contains(&format!("'{name}'"))
            })
    }
}

impl From<OpenAIError> for Failure {
    fn from(error: OpenAIError) -> Failure {
        match error {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<Refusal>() {
                Ok(refusal) => Failure::Refused(refusal),
                Err(other) => Failure::Other(other.to_string()),
            },
            // Building the request (a bad URL) will fail the same way again.
            OpenAIError::Reqwest(error) if error.is_builder() => Failure::Other(innermost(&error)),
            OpenAIError::Reqwest(error) => Failure::Unreachable(innermost(&error)),
            OpenAIError::JSONDeserialize(error, _) => Failure::Unreadable(error.to_string()),
            other => Failure::Other(other.to_string()),
        }
    }
}

/// The root cause ("Connection refused (os error 111)"), not reqwest's
/// wrapper text.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[async_trait]
impl ChatModel for OpenAi {
    fn model(&self) -> &str {
        &self.config.model
    }

    #[tracing::instrument(
        skip(self, messages, tools),
        fields(model = %self.config.model, messages = messages.len(), tools = tools.len())
    )]
    async fn complete(
        &self,
        purpose: Purpose,
        messages: &[Message],
        tools: &[ToolSpec],
    ) -> Result<Completion, LlmError> {
        let mut attempts = 0;
        let mut waits = Backoff::new(self.config.backoff, LONGEST_WAIT);
        let tokens = match purpose {
            Purpose::Chat => self.config.max_tokens.chat,
            Purpose::Step => self.config.max_tokens.step,
        };
        loop {
            let temperature =
                (!self.omit_temperature.load(Ordering::Relaxed)).then_some(TEMPERATURE);
            let limit = if self.completion_tokens_field.load(Ordering::Relaxed) {
                Limit::MaxCompletionTokens(tokens)
            } else {
                Limit::MaxTokens(tokens)
            };
            attempts += 1;
            let failure = match self.attempt(messages, tools, temperature, limit).await {
                Ok(completion) => {
                    if completion.cut_off {
                        tracing::warn!(
                            max_tokens = tokens,
                            completion_tokens = completion.usage.completion_tokens,
                            "the model's answer was cut off at its length limit"
                        );
                    }
                    return Ok(completion);
                }
                Err(failure) => failure,
            };
            if temperature.is_some() && failure.refuses_temperature() {
                tracing::info!("the model refused a temperature; asking again without one");
                self.omit_temperature.store(true, Ordering::Relaxed);
                attempts -= 1;
                continue;
            }
            if matches!(limit, Limit::MaxTokens(_)) && failure.refuses_max_tokens() {
                tracing::info!("the model refused max_tokens; asking with max_completion_tokens");
                self.completion_tokens_field.store(true, Ordering::Relaxed);
                attempts -= 1;
                continue;
            }
            let error = self.error(&failure, attempts);
            if !failure.retryable() || attempts > self.config.max_retries {
                tracing::warn!(attempts, error = %error, "the language model failed");
                return Err(error);
            }
            let asked = match &failure {
                Failure::Refused(refusal) => refusal.retry_after,
                _ => None,
            };
            if asked.is_some_and(|asked| asked > LONGEST_WAIT) {
                return Err(LlmError {
                    message: format!(
                        "{error}, and asked to wait {} s before trying again",
                        asked.unwrap_or_default().as_secs()
                    ),
                    ..error
                });
            }
            let ours = waits.wait();
            let delay = asked.unwrap_or(ours).min(LONGEST_WAIT);
            tracing::warn!(attempts, delay_ms = delay.as_millis() as u64, error = %error, "retrying the language model");
            tokio::time::sleep(delay).await;
        }
    }
}
