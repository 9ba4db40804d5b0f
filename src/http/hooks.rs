//! Webhook triggers: `POST /hooks/{hook_id}` (a signature header checks the
//! call) and `POST /hooks/{hook_id}/{secret}` (the secret in the path). The
//! body (at most 1 MiB) and the kept headers become the run's input; the
//! answer is 202 with the run's id, or with `?wait=N` (at most 30 s) the
//! run's result. Rate limited per hook; refusals are counted in the store
//! and logged without the secret. Everything else is `manage::deliver`.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant};

use super::error::ApiError;
use super::ApiState;
use crate::manage::{Delivered, Delivery, Hook};
use crate::workflow::hook::MAX_BODY_BYTES;
use crate::workflow::{Run, Workflow};

/// The longest `?wait`.
const MAX_WAIT_SECONDS: u64 = 30;

#[derive(Debug, Default, Deserialize)]
pub struct HookQuery {
    /// Seconds to wait for the run's result.
    #[serde(default)]
    wait: Option<String>,
}

/// `POST /hooks/{hook_id}`.
pub async fn signed(
    State(state): State<ApiState>,
    Path(hook_id): Path<String>,
    Query(query): Query<HookQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    receive(state, hook_id, None, query, headers, body).await
}

/// `POST /hooks/{hook_id}/{secret}`.
pub async fn with_secret(
    State(state): State<ApiState>,
    Path((hook_id, secret)): Path<(String, String)>,
    Query(query): Query<HookQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    receive(state, hook_id, Some(secret), query, headers, body).await
}

async fn receive(
    state: ApiState,
    hook_id: String,
    secret: Option<String>,
    query: HookQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let wait = wait(&query)?;
    if let Err(wait) = state.hook_rate.take(&hook_id, Instant::now()) {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many calls to this webhook; try again in {seconds} s"),
            )
        });
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than the limit of {MAX_BODY_BYTES} bytes (1 MiB)"),
            )
        })?;
    let headers: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let delivered = state
        .rest
        .manager
        .deliver(Delivery {
            hook_id: &hook_id,
            path_secret: secret.as_deref(),
            headers: &headers,
            body: &bytes,
            wait,
        })
        .await
        .map_err(|e| ApiError::internal(&e))?;
    answer(delivered, &hook_id, wait.is_some())
}

/// `?wait=N`: 0 to 30 seconds.
fn wait(query: &HookQuery) -> Result<Option<Duration>, ApiError> {
    let Some(text) = &query.wait else {
        return Ok(None);
    };
    text.parse::<u64>()
        .ok()
        .filter(|s| *s <= MAX_WAIT_SECONDS)
        .map(|s| Some(Duration::from_secs(s)))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "wait must be a number of seconds from 0 to {MAX_WAIT_SECONDS}"
            ))
            .on("wait")
        })
}

fn answer(delivered: Delivered, hook_id: &str, waited: bool) -> Result<Response, ApiError> {
    match delivered {
        Delivered::Started(run) => {
            let status = if waited && run.status.is_final() {
                StatusCode::OK
            } else {
                StatusCode::ACCEPTED
            };
            Ok((status, Json(run_body(&run))).into_response())
        }
        Delivered::Duplicate(run) => Ok((
            StatusCode::OK,
            Json(json!({
                "duplicate": true,
                "run_id": run,
                "message": "this delivery id was already received in the last 24 hours; no new run was started",
            })),
        )
            .into_response()),
        Delivered::Refused(refusal) => {
            // The hook's id only: never the secret nor the signature.
            tracing::warn!(hook = hook_id, reason = %refusal, "refused a webhook call");
            Err(ApiError::new(StatusCode::UNAUTHORIZED, refusal.to_string()))
        }
        Delivered::Unknown => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no webhook has this URL (was its secret rotated or the workflow deleted?)",
        )),
        Delivered::Paused => Err(ApiError::new(
            StatusCode::CONFLICT,
            "the workflow of this webhook is paused; nothing was run",
        )),
        Delivered::BadBody(message) => Err(ApiError::bad_request(message)),
        // The owner's runs an hour: a sender that retries later gets in.
        Delivered::OverQuota(message) => Err(ApiError {
            retry_after: Some(60),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, message)
        }),
    }
}

fn run_body(run: &Run) -> serde_json::Value {
    json!({
        "run_id": run.id,
        "workflow_id": run.workflow_id,
        "status": run.status,
        "output": run.output,
        "error": run.error,
    })
}

/// A webhook workflow's URL path and secret, for its creator (shown once,
/// at creation; `steward workflows hook ID` shows them again).
pub fn hook_json(workflow: &Workflow, hook: &Hook) -> serde_json::Value {
    let check = workflow
        .trigger_expression
        .split_whitespace()
        .next()
        .unwrap_or("path");
    json!({
        "path": hook.path(check == "path"),
        "secret": hook.secret,
        "check": check,
    })
}
