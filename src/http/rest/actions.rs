//! `POST /api/v1/workflows/{id}/pause|resume|run|skip-next|snooze|copy`.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

use super::super::error::ApiError;
use super::super::ApiState;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{ErrorBody, RunView, WorkflowView};
use super::workflows::{created_response, with_version};
use crate::manage::Actor;
use crate::schedule::parse_duration_words;

/// The longest `?wait=` of a run, in seconds.
pub const MAX_WAIT_SECONDS: i64 = 30;

/// The body of `pause`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    /// Why, shown with the workflow.
    #[serde(default)]
    note: Option<String>,
    /// When it resumes on its own (RFC 3339).
    #[serde(default)]
    until: Option<DateTime<Utc>>,
}

/// The body of `snooze`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnoozeBody {
    /// How much later: "30m", "2h", "PT1H30M".
    by: String,
}

/// The body of `copy`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CopyBody {
    #[serde(default)]
    name: Option<String>,
    /// Stored paused unless false.
    #[serde(default)]
    paused: Option<bool>,
}

/// `POST .../pause` with an optional `{"note", "until"}`.
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/pause",
    tag = "actions",
    summary = "Pause, with an optional note and end",
    request_body(content = Object, description = "Optional `{\"note\", \"until\"}`"),
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 200, description = "The workflow; `ETag` is its version", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn pause(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let body: PauseBody = match input::json_body(body).await? {
        Some(value) => input::shaped(value)?,
        None => PauseBody::default(),
    };
    if body.until.is_some_and(|at| at <= state.rest.clock.now()) {
        return Err(ApiError::unprocessable("a pause has to end in the future").on("until"));
    }
    state
        .rest
        .manager
        .pause(&caller.actor, id, body.note.as_deref(), body.until)
        .await
        .map_err(refused)?;
    current(&state, &caller.actor, id).await
}

/// `POST .../resume`: from the first slot after now.
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/resume",
    tag = "actions",
    summary = "Resume from the next slot after now",
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 200, description = "The workflow; `ETag` is its version", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn resume(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    state
        .rest
        .manager
        .resume(&caller.actor, id)
        .await
        .map_err(refused)?;
    current(&state, &caller.actor, id).await
}

/// `POST .../skip-next`
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/skip-next",
    tag = "actions",
    summary = "Skip the next occurrence",
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 200, description = "The workflow; `ETag` is its version", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn skip_next(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    state
        .rest
        .manager
        .skip_next(&caller.actor, id)
        .await
        .map_err(refused)?;
    current(&state, &caller.actor, id).await
}

/// `POST .../snooze` with `{"by": "30m"}`.
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/snooze",
    tag = "actions",
    summary = "Move the next occurrence later",
    request_body(content = Object, description = "`{\"by\": \"30m\"}`"),
    params(
        ("id" = i64, Path, description = "The workflow's id")
    ),
    responses(
        (status = 200, description = "The workflow; `ETag` is its version", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn snooze(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let value = input::json_body(body)
        .await?
        .ok_or_else(|| ApiError::unprocessable("send {\"by\": \"30m\"}").on("by"))?;
    let body: SnoozeBody = input::shaped(value)?;
    let seconds = parse_duration_words(&body.by)
        .filter(|s| (60..=30 * 86_400).contains(s))
        .ok_or_else(|| {
            ApiError::unprocessable(
                "by must be a duration from 1 minute to 30 days: 30m, 2h, PT1H30M",
            )
            .on("by")
        })?;
    state
        .rest
        .manager
        .snooze(&caller.actor, id, TimeDelta::seconds(seconds))
        .await
        .map_err(refused)?;
    current(&state, &caller.actor, id).await
}

/// `POST .../copy` with an optional `{"name", "paused"}`: 201 with the copy.
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/copy",
    tag = "actions",
    summary = "Copy a workflow (paused unless asked)",
    request_body(content = Object, description = "Optional `{\"name\", \"paused\"}`"),
    params(
        ("id" = i64, Path, description = "The workflow's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")
    ),
    responses(
        (status = 201, description = "The copy", body = WorkflowView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn copy(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let body: CopyBody = match input::json_body(body).await? {
        Some(value) => input::shaped(value)?,
        None => CopyBody::default(),
    };
    if body
        .name
        .as_deref()
        .is_some_and(|n| n.trim().is_empty() || n.chars().count() > 100)
    {
        return Err(
            ApiError::unprocessable("a workflow needs a name of 1 to 100 characters").on("name"),
        );
    }
    let (created, _) = state
        .rest
        .manager
        .copy(
            &caller.actor,
            id,
            body.name.as_deref(),
            body.paused.unwrap_or(true),
        )
        .await
        .map_err(refused)?;
    let workflow = state
        .rest
        .manager
        .workflow(&caller.actor, created.id)
        .await
        .map_err(refused)?;
    Ok(created_response(&workflow))
}

/// `POST .../run[?wait=N]` with an optional JSON object as the run's input:
/// 202 with the run as soon as it started; with `wait`, the run once it
/// ended (200) or, still going after N seconds, as it is then (202).
#[utoipa::path(
    post,
    path = "/api/v1/workflows/{id}/run",
    tag = "actions",
    summary = "Run a workflow now",
    request_body(content = Object, description = "Optional: the run's input, `${input.<name>}` in the steps"),
    params(
        ("id" = i64, Path, description = "The workflow's id"),
        ("wait" = Option<i64>, Query, description = "Seconds (0 to 30) to wait for the end"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")
    ),
    responses(
        (status = 202, description = "Started (or still going after `wait`)", body = RunView),
        (status = 200, description = "Ended within `wait`", body = RunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape or a definition that does not validate (`field` names it)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn run(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let id = input::id(&id)?;
    let params = input::query(raw.as_deref(), &["wait"])?;
    let wait = input::number(&params, "wait", 0..=MAX_WAIT_SECONDS)?;
    let input = input::json_body(body).await?;
    if input.as_ref().is_some_and(|v| !v.is_object()) {
        return Err(ApiError::unprocessable(
            "the input must be a JSON object; its fields are ${input.<name>} in the steps",
        )
        .on("input"));
    }
    let run = state
        .rest
        .manager
        .run_with_input(
            &caller.actor,
            id,
            input
                .as_ref()
                .filter(|v| v != &&Value::Object(Default::default())),
            Some(Duration::from_secs(wait.unwrap_or(0) as u64)),
        )
        .await
        .map_err(refused)?;
    // Without `wait` the answer is always "started", however quick the run.
    let status = if wait.is_some() && run.status.is_final() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(RunView::of(&run))).into_response())
}

/// The workflow as it is after an action.
async fn current(state: &ApiState, actor: &Actor, id: i64) -> Result<Response, ApiError> {
    let workflow = state
        .rest
        .manager
        .workflow(actor, id)
        .await
        .map_err(refused)?;
    Ok(with_version(&workflow))
}
