//! `/api/v1/runs`: the run log (filtered, paged newest first), one run with
//! its steps, and answers to a run's approval request.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};

use super::super::error::ApiError;
use super::super::ApiState;
use super::cursor;
use super::input::{self, refused};
use super::keys::Caller;
use super::view::{ErrorBody, RunPage, RunView};
use crate::manage::{RunFilter, MAX_PAGE};
use crate::workflow::RunStatus;

/// `GET /api/v1/runs?workflow=&status=&since=&until=&limit=&cursor=`;
/// `status` may list several, comma-separated.
#[utoipa::path(
    get,
    path = "/api/v1/runs",
    tag = "runs",
    summary = "List runs",
    params(
        ("workflow" = Option<i64>, Query, description = "One workflow's"),
        ("status" = Option<String>, Query, description = "One or more statuses, comma-separated"),
        ("since" = Option<String>, Query, description = "Slots at or after (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Slots before (RFC 3339)"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "The previous page's next_cursor")
    ),
    responses(
        (status = 200, description = "A page of runs, newest slot first", body = RunPage),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Json<RunPage>, ApiError> {
    let params = input::query(
        raw.as_deref(),
        &["workflow", "status", "since", "until", "limit", "cursor"],
    )?;
    let statuses = match params.get("status") {
        None => Vec::new(),
        Some(text) => text
            .split(',')
            .map(|s| s.trim().parse::<RunStatus>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                let all: Vec<&str> = RunStatus::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::bad_request(format!("status must be one or more of {}", all.join(", ")))
                    .on("status")
            })?,
    };
    let filter = RunFilter {
        workflow: input::number(&params, "workflow", 1..=i64::MAX)?,
        statuses,
        since: input::instant(&params, "since")?,
        until: input::instant(&params, "until")?,
        before: params.get("cursor").map(|c| cursor::run(c)).transpose()?,
        limit: input::number(&params, "limit", 1..=MAX_PAGE)?.unwrap_or(50),
    };
    let page = state
        .rest
        .manager
        .run_page(&caller.actor, &filter)
        .await
        .map_err(refused)?;
    let next_cursor = page
        .more
        .then(|| {
            page.items
                .last()
                .map(|r| cursor::after_run(r.scheduled_for, r.id))
        })
        .flatten();
    Ok(Json(RunPage {
        items: page.items.iter().map(RunView::of).collect(),
        next_cursor,
    }))
}

/// `GET /api/v1/runs/{id}`: with its steps, outputs, usage and delivery errors.
#[utoipa::path(
    get,
    path = "/api/v1/runs/{id}",
    tag = "runs",
    summary = "Read a run with its steps",
    params(
        ("id" = i64, Path, description = "The run's id")
    ),
    responses(
        (status = 200, description = "The run and its steps", body = RunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    let id = input::id(&id)?;
    let (run, steps) = state
        .rest
        .manager
        .run(&caller.actor, id)
        .await
        .map_err(refused)?;
    Ok(Json(RunView::with_steps(&run, &steps)))
}

/// `POST /api/v1/runs/{id}/approve`
#[utoipa::path(
    post,
    path = "/api/v1/runs/{id}/approve",
    tag = "runs",
    summary = "Approve a waiting run",
    params(
        ("id" = i64, Path, description = "The run's id")
    ),
    responses(
        (status = 200, description = "The run; it continues", body = RunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn approve(
    state: State<ApiState>,
    caller: Extension<Caller>,
    id: Path<String>,
) -> Result<Json<RunView>, ApiError> {
    answer(state, caller, id, true).await
}

/// `POST /api/v1/runs/{id}/reject`
#[utoipa::path(
    post,
    path = "/api/v1/runs/{id}/reject",
    tag = "runs",
    summary = "Reject a waiting run",
    params(
        ("id" = i64, Path, description = "The run's id")
    ),
    responses(
        (status = 200, description = "The run; it fails", body = RunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "Not possible in its current state (already paused, no open approval)", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn reject(
    state: State<ApiState>,
    caller: Extension<Caller>,
    id: Path<String>,
) -> Result<Json<RunView>, ApiError> {
    answer(state, caller, id, false).await
}

/// `POST /api/v1/runs/{id}/cancel`
#[utoipa::path(
    post,
    path = "/api/v1/runs/{id}/cancel",
    tag = "runs",
    summary = "Cancel a run",
    description = "A queued, retrying or waiting run is cancelled at once; an executing one is stopped by the process running it (this one or another) within about a second, its in-flight HTTP, LLM and MCP calls aborted.",
    params(
        ("id" = i64, Path, description = "The run's id")
    ),
    responses(
        (status = 200, description = "The run, cancelled", body = RunView),
        (status = 202, description = "The run, still stopping", body = RunView),
        (status = 400, description = "A bad id, query parameter or cursor (`field` names it)", body = ErrorBody),
        (status = 404, description = "No such workflow or run, or one of another user", body = ErrorBody),
        (status = 409, description = "The run already ended", body = ErrorBody),
        (status = 401, description = "No key, an unknown key or a revoked one", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address", body = ErrorBody),
        (status = 500, description = "A failure on steward's side", body = ErrorBody)
    ),
    security(("api_key" = []))
)]
pub async fn cancel(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<(axum::http::StatusCode, Json<RunView>), ApiError> {
    let id = input::id(&id)?;
    let manager = &state.rest.manager;
    manager
        .cancel_run(&caller.actor, id)
        .await
        .map_err(refused)?;
    let (run, steps) = manager.run(&caller.actor, id).await.map_err(refused)?;
    let status = match run.status.is_final() {
        true => axum::http::StatusCode::OK,
        false => axum::http::StatusCode::ACCEPTED,
    };
    Ok((status, Json(RunView::with_steps(&run, &steps))))
}

/// Answers the run's open approval request; the run as it is then (it
/// continues at the scheduler's next look).
async fn answer(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    approve: bool,
) -> Result<Json<RunView>, ApiError> {
    let id = input::id(&id)?;
    let manager = &state.rest.manager;
    manager
        .answer(&caller.actor, id, approve)
        .await
        .map_err(refused)?;
    let (run, steps) = manager.run(&caller.actor, id).await.map_err(refused)?;
    Ok(Json(RunView::with_steps(&run, &steps)))
}
