//! The language model: an OpenAI-compatible chat client (async-openai) used by
//! the conversation (`agent/`) and by `agent` steps (`engine/agent/`), and the
//! per-model prices that turn its token counts into cost.
//!
//! The rest of steward sees only [`ChatModel`]: messages and tool specs in, one
//! assistant message and its token usage out. Tool-call arguments are passed
//! through as the raw text the model wrote, so the caller can answer a
//! malformed call with a tool error instead of failing the turn.

pub mod openai;
mod prices;
pub mod prompt;

pub use openai::{LlmConfig, LlmConfigError, MaxTokens, OpenAi};
pub use prices::{Price, Prices};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

/// One message of a chat with the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    #[serde(default)]
    pub content: String,
    /// The calls an assistant message makes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call a tool message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message::text(Role::System, content)
    }

    pub fn user(content: impl Into<String>) -> Message {
        Message::text(Role::User, content)
    }

    pub fn assistant(content: impl Into<String>) -> Message {
        Message::text(Role::Assistant, content)
    }

    pub fn tool(call_id: impl Into<String>, content: impl Into<String>) -> Message {
        Message {
            role: Role::Tool,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: Some(call_id.into()),
        }
    }

    fn text(role: Role, content: impl Into<String>) -> Message {
        Message {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }
}

/// A function call the model asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them: usually JSON, not always.
    pub arguments: String,
}

/// A function offered to the model: a JSON schema of its arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: Value,
    /// The schema follows OpenAI's strict rules (every property required,
    /// `additionalProperties: false`), so the model must match it exactly.
    /// Schemas from MCP servers usually don't and are sent without.
    pub strict: bool,
}

/// A JSON schema object in OpenAI's strict form: every property required
/// (optional ones are nullable in their own schema), nothing else allowed.
pub fn strict_object(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    serde_json::json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

/// Tokens a completion used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The model's answer: one assistant message (text, tool calls or both).
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub message: Message,
    pub usage: TokenUsage,
    /// The server stopped the answer at the token limit
    /// (`finish_reason: "length"`): the text or the calls are incomplete.
    pub cut_off: bool,
}

/// What a completion is for, which sets how long its answer may be
/// (`STEWARD_LLM_MAX_TOKENS_CHAT`, `STEWARD_LLM_MAX_TOKENS_STEP`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A turn of the conversation.
    Chat,
    /// A round of an `agent` step inside a run.
    Step,
}

/// Why the model could not answer, after retries. The text never contains the
/// API key.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct LlmError {
    /// What went wrong, for callers that decide by it.
    pub kind: LlmErrorKind,
    /// The sentence: names the server, never the key.
    pub message: String,
    /// How long the server asked steward to wait (`Retry-After`), if it did.
    pub retry_after: Option<std::time::Duration>,
}

/// What kind of failure a language model call ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmErrorKind {
    /// The client could not be built from its settings.
    Config,
    /// The server answered with this HTTP status.
    Refused { status: u16 },
    /// The server refused because the prompt does not fit its context
    /// window (a 400 saying "exceeds the available context size",
    /// "maximum context length" or `context_length_exceeded`).
    ContextTooLong,
    /// No connection.
    Unreachable,
    /// No answer within the timeout.
    TimedOut,
    /// An answer that could not be read.
    Unreadable,
    /// Anything else (a request that could not be built).
    Other,
}

impl LlmError {
    pub fn new(kind: LlmErrorKind, message: impl Into<String>) -> LlmError {
        LlmError {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// An OpenAI-compatible chat model.
#[async_trait]
pub trait ChatModel: Send + Sync {
    /// The model's name, for logs and usage.
    fn model(&self) -> &str;

    /// One completion over `messages`, offering `tools`, its length bounded
    /// by what `purpose` allows.
    async fn complete(
        &self,
        purpose: Purpose,
        messages: &[Message],
        tools: &[ToolSpec],
    ) -> Result<Completion, LlmError>;
}
