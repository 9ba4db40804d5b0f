//! `POST /api/v1/workflows/generate`: a request in words read into the
//! draft steward would show in chat (by the model when one is configured,
//! else by the offline grammar), stored nowhere. Applying it is a
//! `POST /workflows` of its `definition`.

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Instant;
use utoipa::ToSchema;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input;
use super::keys::Caller;
use super::view::ErrorBody;
use crate::agent::{Zone, MAX_MESSAGE_CHARS};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateRequest {
    text: String,
    #[serde(default)]
    timezone: Option<String>,
}

/// What steward understood.
#[derive(Debug, Serialize, ToSchema)]
pub struct GenerateView {
    /// A definition to send as-is to `POST /workflows`; null when the
    /// request could not be read into one (see `questions`).
    #[schema(value_type = Option<Object>)]
    pub definition: Option<Value>,
    /// The draft in words, as chat shows it.
    pub reading: String,
    /// The next fire times, RFC 3339 with the zone's offset.
    pub next: Vec<String>,
    /// Things to know before creating it.
    pub warnings: Vec<String>,
    /// What steward would ask before it could draft it.
    pub questions: Vec<String>,
    /// `model` or `offline`.
    pub read_by: String,
}

/// `POST /api/v1/workflows/generate` with `{"text", "timezone"?}`.
#[utoipa::path(
    post,
    path = "/api/v1/workflows/generate",
    tag = "workflows",
    summary = "Read a request in words into a workflow definition, storing nothing",
    request_body(content = Object, description = "`{\"text\": \"every weekday at 8:30 remind me to stand up\", \"timezone\": \"Europe/Madrid\"}`; timezone is optional"),
    responses(
        (status = 200, description = "The draft: a definition, or the questions to answer first", body = GenerateView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many requests (the chat's per-user limit)", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn generate(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Json<GenerateView>, ApiError> {
    let value = input::json_body(body)
        .await?
        .ok_or_else(|| ApiError::unprocessable("send {\"text\": \"...\"}").on("text"))?;
    let request: GenerateRequest = input::shaped(value)?;
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ApiError::unprocessable(
            "text must say when and what, e.g. 'every weekday at 8:30 remind me to stand up'",
        )
        .on("text"));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::unprocessable(format!(
            "text is longer than {MAX_MESSAGE_CHARS} characters"
        ))
        .on("text"));
    }
    let zone = request
        .timezone
        .as_deref()
        .map(|z| {
            z.parse::<Zone>().map_err(|unknown| {
                ApiError::unprocessable(format!(
                    "'{}' is not an IANA time zone such as Europe/Madrid. {}",
                    crate::text::clip(z, 40),
                    unknown.did_you_mean().trim_end()
                ))
                .on("timezone")
            })
        })
        .transpose()?;
    // The model is asked as in chat, so the chat's per-user limit holds.
    if let Err(wait) = state.rate.take(&caller.actor.id, Instant::now()) {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from this user; try again in {seconds} s"),
            )
        });
    }
    let preview = state.agent.preview(&caller.actor, text, zone).await;
    let definition = preview
        .definition
        .map(|d| serde_json::to_value(d).map_err(|e| ApiError::internal(&e)))
        .transpose()?;
    Ok(Json(GenerateView {
        definition,
        reading: preview.reading,
        next: preview
            .next
            .iter()
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
            .collect(),
        warnings: preview.warnings,
        questions: preview.questions,
        read_by: preview.read_by.to_string(),
    }))
}
