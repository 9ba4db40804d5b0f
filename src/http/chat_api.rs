//! `POST /api/v1/chat`: one message or button press from any chat
//! integration, answered in the response; the conversation's later notices go
//! to its `callback_url` (chat/webhook.rs signs them).

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Instant;

use super::auth;
use super::callback_url;
use super::error::ApiError;
use super::ids;
use super::ApiState;
use crate::agent::{AnswerBy, Button, Content, Inbound, Zone};

/// The largest request body read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A message (`text`) or a button press (`action`) in a conversation.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The chat it was said in; history, drafts and the callback live here.
    pub conversation_id: String,
    /// Who said it; the workflows they create are theirs.
    pub user_id: String,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// A button's `action` from an earlier answer (`confirm`, `cancel`,
    /// `approve:12`, ...).
    #[serde(default)]
    pub action: Option<String>,
    /// Where later notices of this conversation's workflows are POSTed.
    /// The first URL a conversation gives holds.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// The person's IANA zone as the integration knows it; used while they
    /// have set none (then steward does not need to ask).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Replace the conversation's callback URL with `callback_url` (needs
    /// the API token).
    #[serde(default)]
    pub replace_callback: Option<bool>,
}

/// The answer.
#[derive(Debug, Deserialize, Serialize)]
pub struct ChatResponse {
    pub reply: String,
    pub buttons: Vec<Button>,
    pub draft: Option<Value>,
}

pub async fn chat(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ChatResponse>, ApiError> {
    auth::authorize(&state, &headers, peer)?;
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than the limit of {MAX_BODY_BYTES} bytes"),
            )
        })?;
    let request = parse(&bytes)?;
    let inbound = inbound(&request)?;
    if let Err(wait) = state.rate.take(&inbound.user, Instant::now()) {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many messages from this user; try again in {seconds} s"),
            )
        });
    }
    // The person's quota of messages a minute, the same on every surface.
    if let Err(limited) = state.agent.manage.admit_message(&inbound.user).await {
        let seconds = limited.wait.as_secs().max(1);
        let text = limited.tell.unwrap_or_else(|| {
            format!("too many messages from this user; try again in {seconds} s")
        });
        return Err(ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, text)
        });
    }
    if let Some(url) = &request.callback_url {
        let replace = request.replace_callback.unwrap_or(false);
        callback_url::register(&state, &inbound.home_chat, &inbound.user, url, replace).await?;
    }
    let reply = state
        .agent
        .answer(inbound)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(ChatResponse {
        reply: reply.text,
        buttons: reply.buttons,
        draft: reply.draft,
    }))
}

/// Malformed JSON is a 400; well-formed JSON of the wrong shape a 422 naming
/// the field.
fn parse(bytes: &[u8]) -> Result<ChatRequest, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not valid JSON ({e}); send {{\"conversation_id\", \"user_id\", \"text\"}}"
        ))
    })?;
    if !value.is_object() {
        return Err(ApiError::unprocessable(
            "the body must be a JSON object with conversation_id, user_id and text or action",
        ));
    }
    // The error names the field: "user_id: invalid type: integer `5`, ...".
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let error = e.into_inner();
        ApiError::unprocessable(if path == "." {
            error.to_string()
        } else {
            format!("{path}: {error}")
        })
    })
}

fn inbound(request: &ChatRequest) -> Result<Inbound, ApiError> {
    let conversation = ids::parse("conversation_id", &request.conversation_id)?;
    let user = ids::parse("user_id", &request.user_id)?;
    let content = match (&request.text, &request.action) {
        (Some(text), None) => Content::Text(text.clone()),
        (None, Some(action)) => Content::Action(ids::parse("action", action)?),
        _ => {
            return Err(ApiError::unprocessable(
                "send exactly one of text (a message) or action (a button press)",
            ))
        }
    };
    let user_name = match &request.user_name {
        Some(name) => ids::parse_name("user_name", name)?,
        None => None,
    };
    let timezone = match request.timezone.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Some(name.parse::<Zone>().map_err(|unknown| {
            ApiError::unprocessable(format!(
                "timezone: unknown time zone '{}'. {}Send an IANA name such as Europe/Paris",
                name.chars().take(64).collect::<String>(),
                unknown.did_you_mean()
            ))
        })?),
        _ => None,
    };
    Ok(Inbound {
        conversation: format!("webhook:{conversation}"),
        user: format!("webhook:{user}"),
        user_name,
        home_chat: format!("webhook:{conversation}"),
        manages: None,
        timezone,
        greet_newcomer: false,
        answer_by: AnswerBy::Words,
        content,
    })
}
