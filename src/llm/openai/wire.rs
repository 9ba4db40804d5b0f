//! What goes over the wire: steward's messages and tools as async-openai
//! request types, the answer read leniently (OpenAI-compatible servers differ
//! in the optional fields), and non-2xx answers caught below async-openai so
//! the retry policy sees their status and `Retry-After`.

use std::time::Duration;

use async_openai::error::{ApiError, OpenAIError, WrappedError};
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    ChatCompletionMessageToolCall, ChatCompletionMessageToolCalls,
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestToolMessage,
    ChatCompletionRequestToolMessageContent, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionTool, ChatCompletionTools,
    CreateChatCompletionRequest, CreateChatCompletionRequestArgs, FunctionCall, FunctionObject,
};
use serde::Deserialize;
use serde_json::Value;
use tower::ServiceExt;

use crate::llm::{Completion, Message, Role, TokenUsage, ToolCall, ToolSpec};

/// The bound on an answer's length, in the field the server takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Limit {
    /// `max_tokens`: what OpenAI-compatible servers (llama.cpp, Ollama,
    /// vLLM) read.
    MaxTokens(u32),
    /// `max_completion_tokens`: what OpenAI's reasoning models insist on.
    MaxCompletionTokens(u32),
}

/// The chat completion request for `messages` and `tools`.
pub(super) fn request(
    model: &str,
    messages: &[Message],
    tools: &[ToolSpec],
    temperature: Option<f32>,
    limit: Limit,
) -> Result<CreateChatCompletionRequest, String> {
    let messages = messages
        .iter()
        .map(message)
        .collect::<Result<Vec<_>, _>>()?;
    let mut args = CreateChatCompletionRequestArgs::default();
    args.model(model).messages(messages);
    // OpenAI rejects an empty `tools` list, so none is sent rather than [].
    if !tools.is_empty() {
        args.tools(tools.iter().map(tool).collect::<Vec<_>>());
    }
    if let Some(temperature) = temperature {
        args.temperature(temperature);
    }
    match limit {
        // Deprecated by OpenAI in favour of `max_completion_tokens`, but the
        // one field every compatible server reads.
        #[allow(deprecated)]
        Limit::MaxTokens(tokens) => args.max_tokens(tokens),
        Limit::MaxCompletionTokens(tokens) => args.max_completion_tokens(tokens),
    };
    args.build().map_err(|e| e.to_string())
}

fn message(message: &Message) -> Result<ChatCompletionRequestMessage, String> {
    let text = message.content.clone();
    Ok(match message.role {
        Role::System => ChatCompletionRequestSystemMessage {
            content: ChatCompletionRequestSystemMessageContent::Text(text),
            name: None,
        }
        .into(),
        Role::User => ChatCompletionRequestUserMessage {
            content: ChatCompletionRequestUserMessageContent::Text(text),
            name: None,
        }
        .into(),
        Role::Assistant => {
            let calls: Vec<ChatCompletionMessageToolCalls> = message
                .tool_calls
                .iter()
                .map(|call| {
                    ChatCompletionMessageToolCalls::Function(ChatCompletionMessageToolCall {
                        id: call.id.clone(),
                        function: FunctionCall {
                            name: call.name.clone(),
                            arguments: call.arguments.clone(),
                        },
                    })
                })
                .collect();
            ChatCompletionRequestAssistantMessage {
                // Content may only be left out when the message makes calls.
                content: (!text.is_empty() || calls.is_empty())
                    .then_some(ChatCompletionRequestAssistantMessageContent::Text(text)),
                tool_calls: (!calls.is_empty()).then_some(calls),
                ..Default::default()
            }
            .into()
        }
        Role::Tool => ChatCompletionRequestToolMessage {
            content: ChatCompletionRequestToolMessageContent::Text(text),
            tool_call_id: message
                .tool_call_id
                .clone()
                .ok_or("a tool message must name the call it answers")?,
        }
        .into(),
    })
}

fn tool(spec: &ToolSpec) -> ChatCompletionTools {
    ChatCompletionTools::Function(ChatCompletionTool {
        function: FunctionObject {
            name: spec.name.clone(),
            description: (!spec.description.is_empty()).then(|| spec.description.clone()),
            parameters: Some(spec.parameters.clone()),
            strict: spec.strict.then_some(true),
        },
    })
}

/// A chat completion answer: only what steward reads, every field optional
/// that a compatible server might leave out.
#[derive(Debug, Deserialize)]
pub(super) struct Answer {
    #[serde(default)]
    choices: Option<Vec<Choice>>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    message: AnswerMessage,
    /// `stop`, `tool_calls`, `length` (cut off at the token limit)...;
    /// some servers leave it out or send their own words.
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AnswerMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<AnswerToolCall>>,
}

#[derive(Debug, Deserialize)]
struct AnswerToolCall {
    #[serde(default)]
    id: Option<String>,
    /// Absent for custom (non-function) tools, which steward never offers.
    #[serde(default)]
    function: Option<AnswerFunction>,
}

#[derive(Debug, Deserialize)]
struct AnswerFunction {
    name: String,
    /// A string of JSON per the spec; some servers send the object itself.
    #[serde(default)]
    arguments: Value,
}

#[derive(Debug, Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

impl Answer {
    /// The first choice as steward's assistant message; `Err` names what is
    /// missing.
    pub(super) fn into_completion(self) -> Result<Completion, &'static str> {
        let choice = self
            .choices
            .and_then(|choices| choices.into_iter().next())
            .ok_or("no choices")?;
        let cut_off = choice.finish_reason.as_deref() == Some("length");
        let message = choice.message;
        let tool_calls = message
            .tool_calls
            .unwrap_or_default()
            .into_iter()
            .filter_map(|call| Some((call.id, call.function?)))
            .enumerate()
            .map(|(index, (id, function))| ToolCall {
                id: id
                    .filter(|id| !id.is_empty())
                    .unwrap_or_else(|| format!("call_{}", index + 1)),
                name: function.name,
                arguments: match function.arguments {
                    Value::String(raw) => raw,
                    Value::Null => String::new(),
                    other => other.to_string(),
                },
            })
            .collect();
        let usage = self
            .usage
            .map_or(TokenUsage::default(), |usage| TokenUsage {
                prompt_tokens: usage.prompt_tokens.unwrap_or(0),
                completion_tokens: usage.completion_tokens.unwrap_or(0),
            });
        Ok(Completion {
            message: Message {
                role: Role::Assistant,
                content: message.content.or(message.refusal).unwrap_or_default(),
                tool_calls,
                tool_call_id: None,
            },
            usage,
            cut_off,
        })
    }
}

/// A non-2xx answer. async-openai's own error for one keeps the status but
/// drops the headers and, for a non-JSON 4xx body, the status too.
#[derive(Debug, thiserror::Error)]
#[error("answered {status}")]
pub(super) struct Refusal {
    pub status: u16,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<Duration>,
    /// The server's error object, when the body was OpenAI's error JSON.
    pub error: Option<ApiError>,
    /// The start of the body otherwise (an HTML page, "404 page not found").
    pub excerpt: String,
}

impl Refusal {
    /// Whether the server refused because the prompt does not fit its
    /// context: llama.cpp's "exceeds the available context size", OpenAI's
    /// `context_length_exceeded` and "maximum context length", vLLM's and
    /// Ollama's wordings of the same.
    pub fn context_too_long(&self) -> bool {
        if !matches!(self.status, 400 | 413) {
            return false;
        }
        let code = self.error.as_ref().and_then(|e| e.code.as_deref());
        if code == Some("context_length_exceeded") {
            return true;
        }
        let text = match &self.error {
            Some(error) => error.message.to_lowercase(),
            None => self.excerpt.to_lowercase(),
        };
        [
            "context size",
            "context length",
            "context_length_exceeded",
            "context window",
            "too many tokens",
        ]
        .iter()
        .any(|words| text.contains(words))
    }
}

/// async-openai's response type, named through its transport service.
type HttpResponse = <ReqwestService as tower::Service<HttpRequestFactory>>::Response;

/// Sends one request through async-openai's plain reqwest transport (no
/// retry layer: steward's loop is the only one) and turns a non-2xx answer
/// into a [`Refusal`].
pub(super) async fn send(
    transport: ReqwestService,
    request: HttpRequestFactory,
) -> Result<HttpResponse, OpenAIError> {
    let response = transport.oneshot(request).await?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.map_err(OpenAIError::Reqwest)?;
    let error = serde_json::from_slice::<WrappedError>(&body)
        .ok()
        .map(|wrapped| wrapped.error);
    let excerpt = String::from_utf8_lossy(&body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    Err(OpenAIError::Boxed(Box::new(Refusal {
        status: status.as_u16(),
        retry_after,
        error,
        excerpt,
    })))
}

#[cfg(test)]
mod tests;
